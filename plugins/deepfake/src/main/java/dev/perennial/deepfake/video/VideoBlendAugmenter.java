package dev.perennial.deepfake.video;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.perennial.augmentation.StepRandom;
import dev.perennial.models.nn.Owned;
import dev.perennial.spi.Augmenter;
import dev.perennial.spi.Batch;
import dev.perennial.spi.StepContext;
import java.util.SplittableRandom;

/**
 * Video-level Blending as an online augmenter (specs/deepfake.md §B.1.5): each real clip is, with the configured
 * probability, blended frame by frame with its per-frame warped copy inside a soft face mask and relabelled fake,
 * a hard negative that carries facial-feature drift. Clips are the batch input {@code clipInput}, B×T×C×H×W
 * (frames not flattened), float32.
 */
public final class VideoBlendAugmenter implements Augmenter {
    private final VideoBlendConfig config;
    private final long seed;

    /**
     * Makes the augmenter.
     *
     * @param config the configuration
     * @param seed the plugin seed
     */
    public VideoBlendAugmenter(VideoBlendConfig config, long seed) {
        this.config = config;
        this.seed = seed;
    }

    @Override
    public Batch apply(Batch batch, StepContext step) {
        if (!step.training() || batch.size() == 0) {
            return batch;
        }
        NDArray clips = batch.input(config.clipInput());
        Shape s = clips.getShape();
        if (s.dimension() != 5 || clips.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException("augmenter 'video-blend': input '" + config.clipInput()
                    + "' must be float32 clips B×T×C×H×W; it is " + clips.getDataType() + " " + s);
        }
        NDArray labelArray = batch.requireLabels();
        long[] labels = labelArray.toType(DataType.INT64, false).toLongArray();
        int b = (int) s.get(0);
        int t = (int) s.get(1);
        int c = (int) s.get(2);
        int h = (int) s.get(3);
        int w = (int) s.get(4);
        for (int f = 0; f < t; f++) {
            config.warpStrength(f, t); // fails early, naming the field, when the list does not fit T
        }
        SplittableRandom random = StepRandom.forStep(seed, step);
        float[] data = null;
        boolean any = false;
        float[] mask = VideoBlend.ellipseMask(h, w, config.maskAxes().get(0), config.maskAxes().get(1),
                config.maskSoftness());
        int frameSize = c * h * w;
        for (int i = 0; i < b; i++) {
            // Draw for every clip so one clip's label never shifts another's random numbers.
            SplittableRandom clipRandom = random.split();
            boolean hit = clipRandom.nextDouble() < config.probability();
            if (labels[i] != config.realLabel() || !hit) {
                continue;
            }
            if (data == null) {
                data = clips.toFloatArray();
            }
            float beta = config.blendRatios().get(clipRandom.nextInt(config.blendRatios().size())).floatValue();
            float[][][] fields = fields(t, h, w, clipRandom);
            for (int f = 0; f < t; f++) {
                int off = (i * t + f) * frameSize;
                float[] frame = new float[frameSize];
                System.arraycopy(data, off, frame, 0, frameSize);
                float[] warped = VideoBlend.warp(frame, c, h, w, fields[f]);
                System.arraycopy(VideoBlend.blend(frame, warped, mask, beta), 0, data, off, frameSize);
            }
            labels[i] = config.fakeLabel();
            any = true;
        }
        if (!any) {
            return batch;
        }
        NDArray out = Owned.floats(step.manager(), data, s).toDevice(clips.getDevice(), false);
        NDArray newLabels = Owned.longs(step.manager(), labels).toType(labelArray.getDataType(), false)
                .toDevice(labelArray.getDevice(), false);
        return batch.withInput(config.clipInput(), out).withLabels(newLabels);
    }

    /**
     * The displacement fields θ_τ of one clip: a new field per frame ({@code per-frame}) or one shared field
     * ({@code static}), each scaled by its frame's warp strength.
     *
     * @param frames T
     * @param height H
     * @param width W
     * @param random the clip's generator
     * @return per frame {dx, dy}
     */
    public float[][][] fields(int frames, int height, int width, SplittableRandom random) {
        float[][][] out = new float[frames][][];
        boolean perFrame = "per-frame".equals(config.drift());
        float[][] shared = perFrame ? null : VideoBlend.displacementField(height, width, config.controlGrid(), 1.0,
                random);
        for (int f = 0; f < frames; f++) {
            double strength = config.warpStrength(f, frames);
            float[][] unit = perFrame ? VideoBlend.displacementField(height, width, config.controlGrid(), 1.0, random)
                    : shared;
            float[][] scaled = new float[2][unit[0].length];
            for (int k = 0; k < unit[0].length; k++) {
                scaled[0][k] = (float) (strength * unit[0][k]);
                scaled[1][k] = (float) (strength * unit[1][k]);
            }
            out[f] = scaled;
        }
        return out;
    }
}
