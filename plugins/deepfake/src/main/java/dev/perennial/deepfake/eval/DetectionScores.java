package dev.perennial.deepfake.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fake scores and binarised labels of an evaluation, frame by frame, with the video each frame belongs to.
 *
 * <p>Labels are binarised as DeepfakeBench does: every label ≥ 1 is fake (specs/deepfake.md §C.3, property M3),
 * so multi-class forgery labels (2, 3, …) count as fake.
 */
public final class DetectionScores {
    private final List<Double> scores = new ArrayList<>();
    private final List<Boolean> fake = new ArrayList<>();
    private final List<String> videos = new ArrayList<>();

    /**
     * Adds one frame.
     *
     * @param score its fake score
     * @param label its original label; ≥ 1 counts as fake
     * @param videoId a key unique across data sets (e.g. the full path of the video folder), or null when the
     *     evaluation has no videos
     */
    public void add(double score, long label, String videoId) {
        scores.add(score);
        fake.add(label >= 1);
        videos.add(videoId);
    }

    /**
     * The number of frames added.
     *
     * @return the count
     */
    public int size() {
        return scores.size();
    }

    /**
     * Whether both classes are present, i.e. whether the AUC, EER and AP are defined (property M5).
     *
     * @return true when there is at least one real and one fake frame
     */
    public boolean hasBothClasses() {
        return fake.contains(Boolean.TRUE) && fake.contains(Boolean.FALSE);
    }

    /**
     * The frame-level ROC.
     *
     * @return the curve
     * @throws IllegalArgumentException when a class is absent
     */
    public RocCurve frameRoc() {
        return RocCurve.of(frameScores(), frameLabels());
    }

    /**
     * The video-level ROC: p_video = mean of the frame scores of the video, y_video = ⌊mean of its binarised frame
     * labels⌋ (fake only when every frame is fake), videos keyed by their full id so that equal folder names in
     * different data sets stay apart (property M4).
     *
     * @return the curve
     * @throws IllegalArgumentException when a frame has no video id or a class is absent at video level
     */
    public RocCurve videoRoc() {
        Aggregate a = byVideo();
        return RocCurve.of(a.scores, a.fake);
    }

    /**
     * Frame- or video-level scores and labels.
     *
     * @param level the aggregation
     * @return {scores, labels} as arrays
     */
    Aggregate at(Aggregation level) {
        return level == Aggregation.FRAME ? new Aggregate(frameScores(), frameLabels()) : byVideo();
    }

    /**
     * Accuracy at threshold 0.5: a sample counts as fake when its score is strictly greater than 0.5
     * (property M7).
     *
     * @param level frame or video level
     * @return the accuracy in [0, 1]
     */
    public double accuracyAtHalf(Aggregation level) {
        Aggregate a = at(level);
        int right = 0;
        for (int i = 0; i < a.scores.length; i++) {
            if ((a.scores[i] > 0.5) == a.fake[i]) {
                right++;
            }
        }
        return a.scores.length == 0 ? Double.NaN : (double) right / a.scores.length;
    }

    /**
     * Accuracy at 0.5 over one class only (DeepfakeBench's trainer logs {@code acc_real} and {@code acc_fake}).
     *
     * @param fakeClass true for the fakes' accuracy, false for the reals'
     * @param level frame or video level
     * @return the fraction of that class classified correctly, NaN when the class is absent
     */
    public double classAccuracyAtHalf(boolean fakeClass, Aggregation level) {
        Aggregate a = at(level);
        int right = 0;
        int n = 0;
        for (int i = 0; i < a.scores.length; i++) {
            if (a.fake[i] == fakeClass) {
                n++;
                if ((a.scores[i] > 0.5) == fakeClass) {
                    right++;
                }
            }
        }
        return n == 0 ? Double.NaN : (double) right / n;
    }

    private double[] frameScores() {
        return scores.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private boolean[] frameLabels() {
        boolean[] out = new boolean[fake.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = fake.get(i);
        }
        return out;
    }

    private Aggregate byVideo() {
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (int i = 0; i < scores.size(); i++) {
            String v = videos.get(i);
            if (v == null || v.isEmpty()) {
                throw new IllegalArgumentException("video-level metrics need a video id for every frame; frame " + i
                        + " has none (set the metric config field 'videoIdText' to the batch text holding it)");
            }
            double[] s = sums.computeIfAbsent(v, k -> new double[3]);
            s[0] += scores.get(i);
            s[1] += fake.get(i) ? 1 : 0;
            s[2] += 1;
        }
        double[] p = new double[sums.size()];
        boolean[] y = new boolean[sums.size()];
        int k = 0;
        for (double[] s : sums.values()) {
            p[k] = s[0] / s[2];
            y[k] = Math.floor(s[1] / s[2]) >= 1;
            k++;
        }
        return new Aggregate(p, y);
    }

    /** Scores and labels after aggregation. */
    record Aggregate(double[] scores, boolean[] fake) {
        @Override
        public String toString() {
            return "Aggregate" + Arrays.toString(scores);
        }
    }
}
