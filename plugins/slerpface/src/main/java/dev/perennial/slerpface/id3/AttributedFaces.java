package dev.perennial.slerpface.id3;

import dev.perennial.slerpface.faces.FaceRenderer;
import dev.perennial.slerpface.faces.GeneratedFaces;
import dev.perennial.slerpface.faces.GeneratedFacesConfig;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import java.util.List;
import java.util.Map;

/**
 * {@code generated-faces-attributed}: the {@code generated-faces} images (same configuration, same pixels) with a
 * second feature {@code attributes}, the renderer's ground-truth nuisance parameters of each image
 * ({@link FaceRenderer#attributes}: pose, illumination, expression, noise). ID³ conditions on them in place of
 * attribute predictors (spec deepfake.md E.8).
 */
public final class AttributedFaces implements DatasetSource {

    private final GeneratedFacesConfig config;
    private final GeneratedFaces faces;
    private final FaceRenderer renderer;

    /**
     * The data set.
     *
     * @param config the generated-faces configuration
     */
    public AttributedFaces(GeneratedFacesConfig config) {
        this.config = config;
        this.faces = new GeneratedFaces(config);
        this.renderer = new FaceRenderer(config.size(), config.seed());
    }

    @Override
    public DatasetSplit train() {
        return new Split(faces.train(), 0, config.trainImages());
    }

    @Override
    public DatasetSplit test() {
        return new Split(faces.test(), config.trainImages(), config.testImages());
    }

    @Override
    public String describe() {
        return faces.describe() + ", with " + FaceRenderer.ATTRIBUTES + " attributes per image";
    }

    private final class Split implements DatasetSplit {
        private final DatasetSplit images;
        private final int firstImage;
        private final int count;

        Split(DatasetSplit images, int firstImage, int count) {
            this.images = images;
            this.firstImage = firstImage;
            this.count = count;
        }

        @Override
        public int size() {
            return images.size();
        }

        @Override
        public int[] labels() {
            return images.labels();
        }

        @Override
        public Example get(int index) {
            Example e = images.get(index);
            int identity = index / count;
            float[] a = renderer.attributes(identity, firstImage + index % count);
            return new Example(e.id(), e.label(), Map.of("image", e.features().get("image"), "attributes",
                    new Feature.Floats(a, new long[] {a.length})), Map.of());
        }

        @Override
        public List<String> classNames() {
            return images.classNames();
        }
    }
}
