package dev.perennial.api.loop;

import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/** Gaussian blobs in 4 dimensions, one per class, as "image" features of shape 1×1×4. */
final class BlobData implements DatasetSource {
    private final Split train;
    private final Split test;

    BlobData(int classes, int perClass, long seed) {
        train = new Split(classes, perClass, seed);
        test = new Split(classes, Math.max(4, perClass / 2), seed + 1);
    }

    @Override
    public DatasetSplit train() {
        return train;
    }

    @Override
    public DatasetSplit test() {
        return test;
    }

    @Override
    public String describe() {
        return "blobs";
    }

    static final class Split implements DatasetSplit {
        private final List<Example> examples = new ArrayList<>();
        private final int[] labels;
        private final List<String> names = new ArrayList<>();

        Split(int classes, int perClass, long seed) {
            SplittableRandom rng = new SplittableRandom(seed);
            labels = new int[classes * perClass];
            for (int c = 0; c < classes; c++) {
                names.add("c" + c);
            }
            int i = 0;
            for (int k = 0; k < perClass; k++) {
                for (int c = 0; c < classes; c++) {
                    float[] x = new float[4];
                    for (int d = 0; d < 4; d++) {
                        double centre = ((c >> (d % 3)) & 1) * 3.0 + (d == 3 ? c : 0);
                        x[d] = (float) (centre + rng.nextGaussian() * 0.3);
                    }
                    labels[i] = c;
                    examples.add(new Example(i, OptionalInt.of(c),
                            Map.of("image", new Feature.Floats(x, new long[] {1, 1, 4})), Map.of()));
                    i++;
                }
            }
        }

        @Override
        public int size() {
            return examples.size();
        }

        @Override
        public int[] labels() {
            return labels.clone();
        }

        @Override
        public Example get(int index) {
            return examples.get(index);
        }

        @Override
        public List<String> classNames() {
            return names;
        }
    }
}
