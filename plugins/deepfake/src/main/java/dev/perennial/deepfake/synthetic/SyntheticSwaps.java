package dev.perennial.deepfake.synthetic;

import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The {@code synthetic-swaps} data set: rendered face swaps with known source and target faces
 * ({@link SyntheticFaces#generateSwaps}), for DiffusionFake. Class 0 = real, 1 = fake. Every example has three
 * features of shape {@code 3 × size × size}, scaled to [−1, 1] (the spec's mean / std 0.5 normalisation; clamped):
 * {@code image} (the frame), {@code source} (the donor face in the same pose; a real frame's is itself) and
 * {@code target} (the frame the face was pasted into; a real frame's is itself). The evaluation split renders other
 * identities from another seed.
 */
public final class SyntheticSwaps implements DatasetSource {
    private static final List<String> CLASSES = List.of("real", "fake");

    private final SyntheticSwapsConfig config;
    private final List<SyntheticFaces.Sample> train;
    private final List<SyntheticFaces.Sample> test;

    /**
     * Renders both splits.
     *
     * @param config the configuration
     */
    public SyntheticSwaps(SyntheticSwapsConfig config) {
        this.config = config;
        SyntheticFaces faces = new SyntheticFaces(config.size());
        this.train = faces.generateSwaps(config.trainVideos(), config.framesPerVideo(), config.fakeFraction(),
                config.minStrength(), "train", config.seed());
        this.test = faces.generateSwaps(config.testVideos(), config.framesPerVideo(), config.fakeFraction(),
                config.minStrength(), "test", config.seed() * 31 + 7);
    }

    @Override
    public DatasetSplit train() {
        return new Split(train);
    }

    @Override
    public DatasetSplit test() {
        return new Split(test);
    }

    @Override
    public String describe() {
        return "synthetic face swaps: " + config.trainVideos() + " + " + config.testVideos() + " identities x "
                + config.framesPerVideo() + " frames, " + config.size() + "x" + config.size() + ", fake fraction "
                + config.fakeFraction() + ", seed " + config.seed();
    }

    private final class Split implements DatasetSplit {
        private final List<SyntheticFaces.Sample> samples;

        Split(List<SyntheticFaces.Sample> samples) {
            this.samples = samples;
        }

        @Override
        public int size() {
            return samples.size();
        }

        @Override
        public int[] labels() {
            return samples.stream().mapToInt(s -> s.fake() ? 1 : 0).toArray();
        }

        @Override
        public Example get(int index) {
            if (index < 0 || index >= samples.size()) {
                throw new IndexOutOfBoundsException("synthetic-swaps: example " + index + " outside 0.."
                        + (samples.size() - 1));
            }
            SyntheticFaces.Sample s = samples.get(index);
            Map<String, Feature> features = new LinkedHashMap<>();
            features.put("image", floats(s.image()));
            features.put("source", floats(s.source()));
            features.put("target", floats(s.target()));
            return new Example(index, OptionalInt.of(s.fake() ? 1 : 0), features, Map.of());
        }

        @Override
        public List<String> classNames() {
            return CLASSES;
        }
    }

    private Feature.Floats floats(float[] unit) {
        float[] out = new float[unit.length];
        for (int i = 0; i < out.length; i++) {
            // The renderer's shading lets a bright skin tone overshoot 1 by up to ~4 %; clamp to the VAE's range.
            out[i] = Math.max(-1f, Math.min(1f, 2 * unit[i] - 1));
        }
        return new Feature.Floats(out, new long[] {SyntheticFaces.CHANNELS, config.size(), config.size()});
    }
}
