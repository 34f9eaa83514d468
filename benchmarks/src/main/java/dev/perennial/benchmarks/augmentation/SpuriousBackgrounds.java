package dev.perennial.benchmarks.augmentation;

import dev.perennial.api.data.IdxConfig;
import dev.perennial.api.data.IdxDataset;
import dev.perennial.api.data.ImageFolder;
import dev.perennial.api.data.ImageFolderConfig;
import dev.perennial.spi.DatasetException;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;

/**
 * Fashion-MNIST objects on CIFAR-10 backgrounds, built in memory when opened.
 *
 * <p>Each image is a 32×32 CIFAR-10 photo with a 28×28 Fashion-MNIST item pasted at a random offset (0 to 4
 * pixels per axis); the item's non-zero pixels are the mask and replace the photo (grey on all three
 * channels). In training, class k's background is CIFAR-10 class k with probability {@code correlation}, else a
 * uniformly drawn other class; the test split holds {@code testPerGroup} images of every (class, background
 * class) pair, built from the test splits of both sets, so the background says nothing about the class there.
 *
 * <p>Every example has the features {@code image} (3×32×32), {@code mask} (1×32×32, 1 on the item) and
 * {@code background} (the background class, int64 of shape [1]), which {@link WorstGroupAccuracyProvider}
 * reads.
 */
public final class SpuriousBackgrounds implements DatasetSource {

    static final int SIZE = 32;
    static final int OBJECT = 28;
    static final int CLASSES = 10;

    private final String description;
    private final Split train;
    private final Split test;

    private SpuriousBackgrounds(String description, Split train, Split test) {
        this.description = description;
        this.train = train;
        this.test = test;
    }

    /**
     * Builds the data set.
     *
     * @param config the configuration
     * @return the data set
     * @throws DatasetException naming the missing file and how to get it
     */
    public static SpuriousBackgrounds open(SpuriousBackgroundsConfig config) {
        Path fashion = Path.of(config.fashionMnistFolder());
        if (!Files.isDirectory(fashion)) {
            throw new DatasetException("spurious-backgrounds: 'fashionMnistFolder' " + fashion.toAbsolutePath()
                    + " is not a folder; install the Debian package dataset-fashion-mnist or point the field at the "
                    + "IDX files");
        }
        Path cifar = Path.of(config.cifar10Zip());
        if (!Files.exists(cifar)) {
            throw new DatasetException("spurious-backgrounds: 'cifar10Zip' " + cifar.toAbsolutePath()
                    + " does not exist; point it at CIFAR-10 in ImageFolder layout (e.g. ../shared/data/cifar10.zip)");
        }
        int testPerClass = CLASSES * config.testPerGroup();
        IdxDataset objects = IdxDataset.open(IdxConfig.of(fashion.toString(),
                Math.max(config.trainPerClass(), testPerClass)));
        Random random = new Random(config.seed());
        try (ImageFolder backgrounds = ImageFolder.open(new ImageFolderConfig(cifar.toString(), 3, SIZE, SIZE,
                Math.max(config.trainPerClass(), testPerClass)))) {
            if (backgrounds.classNames().size() != CLASSES) {
                throw new DatasetException("spurious-backgrounds: " + cifar + " has classes "
                        + backgrounds.classNames() + "; expected CIFAR-10's ten");
            }
            List<List<Integer>> trainObjects = byClass(objects.train());
            List<List<Integer>> testObjects = byClass(objects.test());
            List<List<Integer>> trainBackgrounds = byClass(backgrounds.train());
            List<List<Integer>> testBackgrounds = byClass(backgrounds.test());

            int n = CLASSES * config.trainPerClass();
            Split trainSplit = new Split(n, 0, objects.train().classNames());
            int[] nextBackground = new int[CLASSES];
            for (int k = 0; k < CLASSES; k++) {
                java.util.Collections.shuffle(trainBackgrounds.get(k), random);
            }
            int i = 0;
            for (int y = 0; y < CLASSES; y++) {
                for (int j = 0; j < config.trainPerClass(); j++) {
                    int b = random.nextDouble() < config.correlation() ? y : otherClass(y, random);
                    List<Integer> pool = trainBackgrounds.get(b);
                    int bg = pool.get(nextBackground[b]++ % pool.size());
                    trainSplit.put(i++, y, b, objects.train().get(trainObjects.get(y).get(j)),
                            backgrounds.train().get(bg), random);
                }
            }
            Split testSplit = new Split(CLASSES * CLASSES * config.testPerGroup(), n, objects.test().classNames());
            int t = 0;
            for (int y = 0; y < CLASSES; y++) {
                for (int b = 0; b < CLASSES; b++) {
                    for (int j = 0; j < config.testPerGroup(); j++) {
                        int object = testObjects.get(y).get(b * config.testPerGroup() + j);
                        int bg = testBackgrounds.get(b).get(y * config.testPerGroup() + j);
                        testSplit.put(t++, y, b, objects.test().get(object), backgrounds.test().get(bg), random);
                    }
                }
            }
            String description = "spurious-backgrounds: Fashion-MNIST (" + fashion + ") on CIFAR-10 (" + cifar
                    + "), " + config.trainPerClass() + " train images per class at correlation "
                    + config.correlation() + ", " + config.testPerGroup() + " test images per (class, background) group";
            return new SpuriousBackgrounds(description, trainSplit, testSplit);
        }
    }

    private static int otherClass(int y, Random random) {
        int b = random.nextInt(CLASSES - 1);
        return b >= y ? b + 1 : b;
    }

    private static List<List<Integer>> byClass(DatasetSplit split) {
        List<List<Integer>> out = new ArrayList<>();
        for (int k = 0; k < CLASSES; k++) {
            out.add(new ArrayList<>());
        }
        int[] labels = split.labels();
        for (int i = 0; i < labels.length; i++) {
            out.get(labels[i]).add(i);
        }
        return out;
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
        return description;
    }

    /** Composited images held as bytes (every source pixel is an 8-bit value, so nothing is lost). */
    static final class Split implements DatasetSplit {
        private final int[] labels;
        private final int[] backgroundClasses;
        private final byte[] pixels;
        private final byte[] masks;
        private final long idOffset;
        private final List<String> classNames;

        Split(int size, long idOffset, List<String> classNames) {
            this.labels = new int[size];
            this.backgroundClasses = new int[size];
            this.pixels = new byte[size * 3 * SIZE * SIZE];
            this.masks = new byte[size * SIZE * SIZE];
            this.idOffset = idOffset;
            this.classNames = List.copyOf(classNames);
        }

        void put(int index, int label, int backgroundClass, Example object, Example background, Random random) {
            float[] item = ((Feature.Floats) object.features().get("image")).values();
            float[] photo = ((Feature.Floats) background.features().get("image")).values();
            if (item.length != OBJECT * OBJECT || photo.length != 3 * SIZE * SIZE) {
                throw new DatasetException("spurious-backgrounds: expected 28×28 grey objects and 32×32 RGB "
                        + "backgrounds, got " + item.length + " and " + photo.length + " values");
            }
            labels[index] = label;
            backgroundClasses[index] = backgroundClass;
            int dy = random.nextInt(SIZE - OBJECT + 1);
            int dx = random.nextInt(SIZE - OBJECT + 1);
            int plane = SIZE * SIZE;
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    int oy = y - dy;
                    int ox = x - dx;
                    float v = oy >= 0 && oy < OBJECT && ox >= 0 && ox < OBJECT ? item[oy * OBJECT + ox] : 0f;
                    boolean onObject = v > 0f;
                    masks[index * plane + y * SIZE + x] = (byte) (onObject ? 1 : 0);
                    for (int c = 0; c < 3; c++) {
                        float p = onObject ? v : photo[c * plane + y * SIZE + x];
                        pixels[(index * 3 + c) * plane + y * SIZE + x] = (byte) Math.round(p * 255f);
                    }
                }
            }
        }

        /**
         * The background class of every example.
         *
         * @return the classes, indexed like {@link #get}
         */
        int[] backgroundClasses() {
            return backgroundClasses.clone();
        }

        @Override
        public int size() {
            return labels.length;
        }

        @Override
        public int[] labels() {
            return labels.clone();
        }

        @Override
        public Example get(int index) {
            int plane = SIZE * SIZE;
            float[] image = new float[3 * plane];
            for (int i = 0; i < image.length; i++) {
                image[i] = (pixels[index * 3 * plane + i] & 0xFF) / 255f;
            }
            float[] mask = new float[plane];
            for (int i = 0; i < plane; i++) {
                mask[i] = masks[index * plane + i];
            }
            return new Example(idOffset + index, OptionalInt.of(labels[index]), Map.of(
                    "image", new Feature.Floats(image, new long[] {3, SIZE, SIZE}),
                    "mask", new Feature.Floats(mask, new long[] {1, SIZE, SIZE}),
                    "background", new Feature.Longs(new long[] {backgroundClasses[index]}, new long[] {1})),
                    Map.of());
        }

        @Override
        public List<String> classNames() {
            return classNames;
        }
    }
}
