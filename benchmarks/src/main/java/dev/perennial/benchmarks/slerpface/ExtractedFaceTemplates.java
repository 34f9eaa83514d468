package dev.perennial.benchmarks.slerpface;

import dev.perennial.slerpface.GroupedTemplate;
import dev.perennial.slerpface.security.TemplateSource;

/**
 * The templates the trained recogniser extracts from face images, for the plugin's {@code ProtectorEvaluation}:
 * identities {@code 0..identities−1} × images {@code 0..images−1}, extracted once and kept (the evaluation asks
 * for the same template many times).
 */
public final class ExtractedFaceTemplates implements TemplateSource {

    private final int identities;
    private final int images;
    private final GroupedTemplate[] templates;

    /**
     * Extracts every template.
     *
     * @param recogniser the recogniser
     * @param faces the images
     * @param identities identities, from 0
     * @param images images per identity, from 0
     */
    public ExtractedFaceTemplates(TrainedRecogniser recogniser, FaceImages faces, int identities, int images) {
        if (identities < 1 || images < 1) {
            throw new IllegalArgumentException("extracted templates: identities and images must be >= 1, were "
                    + identities + ", " + images);
        }
        this.identities = identities;
        this.images = images;
        float[][] pixels = new float[identities * images][];
        for (int i = 0; i < identities; i++) {
            for (int j = 0; j < images; j++) {
                pixels[i * images + j] = faces.image(i, j);
            }
        }
        this.templates = recogniser.templates(pixels);
    }

    /**
     * The template of one image.
     *
     * @throws IndexOutOfBoundsException outside the extracted identities and images
     */
    @Override
    public GroupedTemplate sample(int identity, int image) {
        if (identity < 0 || identity >= identities || image < 0 || image >= images) {
            throw new IndexOutOfBoundsException("extracted templates: (" + identity + ", " + image + ") is outside "
                    + identities + " identities x " + images + " images; extract more");
        }
        return templates[identity * images + image];
    }
}
