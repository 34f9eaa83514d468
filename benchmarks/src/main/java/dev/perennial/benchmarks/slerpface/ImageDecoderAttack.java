package dev.perennial.benchmarks.slerpface;

import dev.perennial.slerpface.GroupedTemplate;
import dev.perennial.slerpface.security.InversionAttack;
import java.util.ArrayList;
import java.util.List;

/**
 * Attack 3 of issue #9: the attacker trains a {@link TemplateImageDecoder} on pairs of its own identities (the
 * template it leaked, protected under its own key, and the face image it came from), decodes a victim's leaked
 * protected template into an image, and feeds that image to the recogniser; the resulting template is what the
 * evaluation judges (as a probe against the victim's enrolled template, and against the raw recogniser). Against
 * {@code none} the decoder reads raw templates: the reference point that shows the attack works at all.
 *
 * <p>The decoder trains on the pairs of all but every {@value #HOLD_OUT_EVERY}th attacker identity; the held-out
 * identities measure whether it learned a mapping that carries over to faces it did not see, or only memorised its
 * pairs ({@link Fit}). One attack object serves one scheme at a time; {@link #fits()} reports every decoder.
 */
public final class ImageDecoderAttack implements InversionAttack, AutoCloseable {

    /** The attack's name in the results. */
    public static final String NAME = "image-decoder";

    private final DecoderConfig config;
    private final FaceImages faces;
    private final TrainedRecogniser recogniser;
    private final long seed;
    private final List<TemplateImageDecoder> decoders = new ArrayList<>();
    private final List<Fit> fits = new ArrayList<>();

    /**
     * One trained decoder.
     *
     * @param pairs the attacker's pairs the decoder trained on
     * @param heldOutPairs pairs of held-out attacker identities (every {@value #HOLD_OUT_EVERY}th), not trained on
     * @param templateLength the leaked templates' length
     * @param epochLosses mean pixel L2 loss per epoch on the training pairs
     * @param heldOutPixelL2 mean pixel L2 of the decoded images of the held-out pairs: what the decoder learned
     *     that carries over to identities it did not see
     * @param heldOutMeanImageL2 the same for the mean training image (a decoder that ignores its input)
     */
    public record Fit(int pairs, int heldOutPairs, int templateLength, List<Double> epochLosses,
                      double heldOutPixelL2, double heldOutMeanImageL2) {}

    /** Every this-many-th attacker identity is held out of the decoder's training, for {@link Fit}. */
    static final int HOLD_OUT_EVERY = 10;

    /**
     * The attack.
     *
     * @param config the decoder (its {@code templateLength} is replaced by the leaked templates' length)
     * @param faces the attacker's face images, in the evaluation's identity numbering
     * @param recogniser the recogniser the decoded images are fed to
     * @param seed seeds each decoder
     */
    public ImageDecoderAttack(DecoderConfig config, FaceImages faces, TrainedRecogniser recogniser, long seed) {
        this.config = config;
        this.faces = faces;
        this.recogniser = recogniser;
        this.seed = seed;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Inverter fit(List<LeakedPair> pairs) {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException(NAME + ": the attacker has no training pairs");
        }
        List<Integer> identities = pairs.stream().map(LeakedPair::identity).distinct().sorted().toList();
        List<float[]> trainLeaked = new ArrayList<>();
        List<float[]> trainImages = new ArrayList<>();
        List<float[]> heldLeaked = new ArrayList<>();
        List<float[]> heldImages = new ArrayList<>();
        for (LeakedPair pair : pairs) {
            boolean held = identities.size() >= HOLD_OUT_EVERY
                    && identities.indexOf(pair.identity()) % HOLD_OUT_EVERY == HOLD_OUT_EVERY - 1;
            (held ? heldLeaked : trainLeaked).add(pair.leaked().values());
            (held ? heldImages : trainImages).add(faces.image(pair.identity(), pair.image()));
        }
        float[][] leaked = trainLeaked.toArray(new float[0][]);
        float[][] images = trainImages.toArray(new float[0][]);
        TemplateImageDecoder decoder = TemplateImageDecoder.train(config.withTemplateLength(leaked[0].length),
                leaked, images, seed + decoders.size());
        decoders.add(decoder);
        double heldOut = Double.NaN;
        double meanImage = Double.NaN;
        if (!heldLeaked.isEmpty()) {
            float[][] decoded = decoder.decode(heldLeaked.toArray(new float[0][]));
            float[] mean = new float[images[0].length];
            for (float[] image : images) {
                for (int j = 0; j < mean.length; j++) {
                    mean[j] += image[j] / images.length;
                }
            }
            heldOut = 0;
            meanImage = 0;
            for (int i = 0; i < decoded.length; i++) {
                heldOut += squaredError(decoded[i], heldImages.get(i)) / decoded.length;
                meanImage += squaredError(mean, heldImages.get(i)) / decoded.length;
            }
        }
        fits.add(new Fit(leaked.length, heldLeaked.size(), leaked[0].length, decoder.epochLosses(), heldOut,
                meanImage));
        return stored -> {
            float[] image = decoder.decode(new float[][] {stored.values()})[0];
            GroupedTemplate[] template = recogniser.templates(new float[][] {image});
            return template[0];
        };
    }

    /** Mean squared pixel error. */
    private static double squaredError(float[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += (a[j] - b[j]) * (double) (a[j] - b[j]);
        }
        return s / a.length;
    }

    /**
     * Every decoder trained so far, in order.
     *
     * @return the fits
     */
    public List<Fit> fits() {
        return List.copyOf(fits);
    }

    /** Frees every decoder. */
    @Override
    public void close() {
        decoders.forEach(TemplateImageDecoder::close);
        decoders.clear();
    }
}
