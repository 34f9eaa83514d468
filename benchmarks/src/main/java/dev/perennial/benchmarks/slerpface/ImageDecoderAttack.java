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
 * <p>One attack object serves one scheme at a time; {@link #fits()} reports every decoder it trained.
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
     * @param pairs the attacker's training pairs
     * @param templateLength the leaked templates' length
     * @param epochLosses mean pixel L2 loss per epoch
     */
    public record Fit(int pairs, int templateLength, List<Double> epochLosses) {}

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
        float[][] leaked = new float[pairs.size()][];
        float[][] images = new float[pairs.size()][];
        for (int i = 0; i < leaked.length; i++) {
            leaked[i] = pairs.get(i).leaked().values();
            images[i] = faces.image(pairs.get(i).identity(), pairs.get(i).image());
        }
        TemplateImageDecoder decoder = TemplateImageDecoder.train(config.withTemplateLength(leaked[0].length),
                leaked, images, seed + decoders.size());
        decoders.add(decoder);
        fits.add(new Fit(pairs.size(), leaked[0].length, decoder.epochLosses()));
        return stored -> {
            float[] image = decoder.decode(new float[][] {stored.values()})[0];
            GroupedTemplate[] template = recogniser.templates(new float[][] {image});
            return template[0];
        };
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
