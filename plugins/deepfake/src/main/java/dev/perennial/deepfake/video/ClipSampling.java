package dev.perennial.deepfake.video;

import java.util.SplittableRandom;

/**
 * Where the clips of a video start (specs/deepfake.md §B.1.6, DeepfakeBench {@code abstract_dataset.py}):
 * <pre>
 * num_clips = ⌊total / clip_size⌋
 * clip_step = ⌊(total − clip_size) / (num_clips − 1)⌋
 * test: start_i = i · clip_step;   train: a random start within stride i
 * </pre>
 * The reference divides by zero when num_clips = 1 (pitfall B.5.6); here one clip then starts at 0 (test) or at a
 * random frame that keeps it inside the video (train). A video shorter than one clip is an error that names it.
 * The training draw, a uniform start in [i·clip_step, min((i+1)·clip_step − 1, total − clip_size)], is a
 * reconstruction of "random start within each stride".
 */
public final class ClipSampling {
    private ClipSampling() {}

    /**
     * The first frame of every clip.
     *
     * @param video the video's id, for the message
     * @param totalFrames frames in the video
     * @param clipSize frames per clip, ≥ 1
     * @param training whether to draw random starts
     * @param random the generator (read only when training)
     * @return one start per clip, each with start + clipSize ≤ totalFrames
     * @throws IllegalArgumentException when the video holds fewer frames than one clip
     */
    public static int[] starts(String video, int totalFrames, int clipSize, boolean training, SplittableRandom random) {
        if (clipSize < 1) {
            throw new IllegalArgumentException("clip size must be >= 1; was " + clipSize);
        }
        if (totalFrames < clipSize) {
            throw new IllegalArgumentException("video " + video + " has " + totalFrames + " frames, fewer than one clip of "
                    + clipSize + "; drop it from the index or lower the clip size");
        }
        int clips = totalFrames / clipSize;
        int last = totalFrames - clipSize;
        if (clips == 1) {
            return new int[] {training ? random.nextInt(last + 1) : 0};
        }
        int step = last / (clips - 1);
        int[] starts = new int[clips];
        for (int i = 0; i < clips; i++) {
            int lo = i * step;
            int hi = Math.min((i + 1) * step - 1, last);
            starts[i] = training && hi > lo ? lo + random.nextInt(hi - lo + 1) : lo;
        }
        return starts;
    }
}
