package dev.perennial.api.data;

import dev.perennial.spi.DatasetException;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A labelled image data set in the ImageFolder layout, read from a folder or, in place, from a zip file:
 * <pre>
 * root/train/&lt;class&gt;/*.jpg|*.png
 * root/test/&lt;class&gt;/*.jpg|*.png
 * </pre>
 * A zip may hold that layout at its top or under one top-level folder ({@code cifar10.zip → cifar10/train/...}).
 * Class ids are the class folder names in sorted (code point) order; both splits must have the same classes.
 * Files in a class folder (and its sub-folders) whose names end in {@code .jpg}, {@code .jpeg} or {@code .png}
 * are its examples, in sorted path order; other files and hidden files are ignored.
 *
 * <p>Images are decoded on demand with {@code javax.imageio} into a {@code channels × H × W} float image in
 * [0, 1] under the feature name {@code image}. Example ids are the training index for training examples and
 * {@code trainSize + index} for test examples. Decoding is safe from several threads. A zip stays open until
 * {@link #close()} (or until this object is garbage collected).
 */
public final class ImageFolder implements DatasetSource, AutoCloseable {
    private static final String[] EXTENSIONS = {".jpg", ".jpeg", ".png"};

    private final ImageFolderConfig config;
    private final Store store;
    private final List<String> classNames;
    private final DecodingSplit train;
    private final DecodingSplit test;
    private final ImageDecoder decoder;
    private final long[] expectedShape;

    private ImageFolder(ImageFolderConfig config, Store store, Map<String, List<String>> trainFiles,
                        Map<String, List<String>> testFiles) {
        this.config = config;
        this.store = store;
        this.classNames = List.copyOf(trainFiles.keySet());
        this.decoder = new ImageDecoder(config.channels(), config.height(), config.width());
        String[] trainPaths = flatten(trainFiles, config.limitPerClass());
        int[] trainLabels = labelsOf(trainFiles, config.limitPerClass());
        String[] testPaths = flatten(testFiles, config.limitPerClass());
        int[] testLabels = labelsOf(testFiles, config.limitPerClass());
        this.train = new DecodingSplit(trainLabels, classNames,
                i -> Example.labelledImage(i, trainLabels[i], decode(trainPaths[i])));
        int offset = trainPaths.length;
        this.test = new DecodingSplit(testLabels, classNames,
                i -> Example.labelledImage(offset + (long) i, testLabels[i], decode(testPaths[i])));
        // Without a resize every image must have the first image's size, or batches could not be stacked.
        this.expectedShape = config.height() > 0 ? null : decoder.decode(store.read(trainPaths[0]),
                store.where(trainPaths[0])).shape();
    }

    /**
     * Opens a folder or zip with RGB images at their own size.
     *
     * @param path the folder or zip file
     * @return the data set
     * @throws DatasetException naming the path when the layout is wrong
     */
    public static ImageFolder of(Path path) {
        return open(ImageFolderConfig.of(path.toString()));
    }

    /**
     * Opens a folder or zip as configured, scanning the layout (images are decoded later, on demand).
     *
     * @param config the configuration
     * @return the data set
     * @throws DatasetException naming the path when the folder or zip is missing, has no class folders, has an
     *     empty class, or its splits have different classes
     */
    public static ImageFolder open(ImageFolderConfig config) {
        if (config.path().isBlank()) {
            throw new DatasetException("image-folder: 'path' is empty; set it to a folder or .zip file holding "
                    + "train/<class>/*.jpg|png and test/<class>/...");
        }
        Path root = Path.of(config.path());
        if (!Files.exists(root)) {
            throw new DatasetException("image-folder: " + root.toAbsolutePath() + " does not exist; expected a "
                    + "folder or .zip file holding train/<class>/... and test/<class>/...");
        }
        Store store = Files.isDirectory(root) ? new FolderStore(root) : ZipStore.open(root);
        try {
            Map<String, List<String>> train = store.scan("train");
            Map<String, List<String>> test = store.scan("test");
            if (!train.keySet().equals(test.keySet())) {
                TreeSet<String> onlyTrain = new TreeSet<>(train.keySet());
                onlyTrain.removeAll(test.keySet());
                TreeSet<String> onlyTest = new TreeSet<>(test.keySet());
                onlyTest.removeAll(train.keySet());
                throw new DatasetException("image-folder " + store.where("") + ": train/ and test/ must have the "
                        + "same class folders; only in train/: " + onlyTrain + ", only in test/: " + onlyTest);
            }
            return new ImageFolder(config, store, train, test);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
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
        return "image-folder " + store.where("") + " (" + classNames.size() + " classes, " + train.size()
                + " train, " + test.size() + " test, " + config.channels() + " channels"
                + (config.height() > 0 ? ", resized to " + config.height() + "x" + config.width() : "") + ")";
    }

    /**
     * The class names, indexed by class id (sorted folder names).
     *
     * @return the class names
     */
    public List<String> classNames() {
        return classNames;
    }

    /** Closes the zip file, if the data set is read from one. */
    @Override
    public void close() {
        store.close();
    }

    private Feature.Floats decode(String path) {
        Feature.Floats image = decoder.decode(store.read(path), store.where(path));
        if (expectedShape != null) {
            long[] shape = image.shape();
            if (shape[1] != expectedShape[1] || shape[2] != expectedShape[2]) {
                throw new DatasetException("image-folder: " + store.where(path) + " is " + shape[1] + "x" + shape[2]
                        + " (HxW) but the data set's first image is " + expectedShape[1] + "x" + expectedShape[2]
                        + "; set 'height' and 'width' to resize all images to one size");
            }
        }
        return image;
    }

    private static String[] flatten(Map<String, List<String>> files, int limit) {
        List<String> out = new ArrayList<>();
        for (List<String> paths : files.values()) {
            out.addAll(limit > 0 && paths.size() > limit ? paths.subList(0, limit) : paths);
        }
        return out.toArray(String[]::new);
    }

    private static int[] labelsOf(Map<String, List<String>> files, int limit) {
        int n = 0;
        for (List<String> paths : files.values()) {
            n += limit > 0 ? Math.min(limit, paths.size()) : paths.size();
        }
        int[] labels = new int[n];
        int at = 0;
        int label = 0;
        for (List<String> paths : files.values()) {
            int count = limit > 0 ? Math.min(limit, paths.size()) : paths.size();
            Arrays.fill(labels, at, at + count, label);
            at += count;
            label++;
        }
        return labels;
    }

    private static boolean isImage(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String extension : EXTENSIONS) {
            if (lower.endsWith(extension)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isHidden(String segment) {
        return segment.startsWith(".") || segment.equals("__MACOSX");
    }

    /**
     * Checks the classes found in one split and sorts each class's files.
     *
     * @param classes class name to its image paths (possibly empty lists)
     * @param where the split, for messages
     * @return the classes in sorted order
     */
    private static Map<String, List<String>> checked(TreeMap<String, List<String>> classes, String where) {
        if (classes.isEmpty()) {
            throw new DatasetException("image-folder: " + where + " has no class folders; expected "
                    + where + "/<class>/*.jpg|png");
        }
        for (Map.Entry<String, List<String>> e : classes.entrySet()) {
            if (e.getValue().isEmpty()) {
                throw new DatasetException("image-folder: class folder " + where + "/" + e.getKey()
                        + " holds no .jpg, .jpeg or .png file");
            }
            e.getValue().sort(null);
        }
        return classes;
    }

    /** Where the files are: a folder or an open zip. */
    private interface Store {
        /** Class name to sorted relative image paths, for split folder {@code split}. */
        Map<String, List<String>> scan(String split);

        byte[] read(String relative);

        /** A path for messages. */
        String where(String relative);

        void close();
    }

    /** A folder on disk. */
    private static final class FolderStore implements Store {
        private final Path root;

        FolderStore(Path root) {
            this.root = root;
        }

        @Override
        public Map<String, List<String>> scan(String split) {
            Path dir = root.resolve(split);
            if (!Files.isDirectory(dir)) {
                throw new DatasetException("image-folder: missing folder " + dir.toAbsolutePath()
                        + "; expected " + split + "/<class>/*.jpg|png under " + root.toAbsolutePath());
            }
            TreeMap<String, List<String>> classes = new TreeMap<>();
            try (Stream<Path> children = Files.list(dir)) {
                for (Path child : children.sorted().toList()) {
                    String name = child.getFileName().toString();
                    if (isHidden(name)) {
                        continue;
                    }
                    if (Files.isDirectory(child)) {
                        classes.put(name, imagesUnder(child));
                    } else if (isImage(name)) {
                        throw new DatasetException("image-folder: " + child.toAbsolutePath() + " lies directly in "
                                + split + "/; images must be in class folders, " + split + "/<class>/" + name);
                    }
                }
            } catch (IOException e) {
                throw new DatasetException("image-folder: cannot list " + dir.toAbsolutePath() + ": " + e, e);
            }
            return checked(classes, dir.toAbsolutePath().toString());
        }

        private List<String> imagesUnder(Path classDir) throws IOException {
            try (Stream<Path> files = Files.walk(classDir)) {
                return files.filter(Files::isRegularFile)
                        .filter(p -> !isHidden(p.getFileName().toString()) && isImage(p.getFileName().toString()))
                        .map(p -> root.relativize(p).toString())
                        .collect(Collectors.toCollection(ArrayList::new));
            }
        }

        @Override
        public byte[] read(String relative) {
            Path file = root.resolve(relative);
            try {
                return Files.readAllBytes(file);
            } catch (IOException e) {
                throw new DatasetException("image-folder: cannot read " + file.toAbsolutePath() + ": " + e, e);
            }
        }

        @Override
        public String where(String relative) {
            return relative.isEmpty() ? root.toAbsolutePath().toString()
                    : root.resolve(relative).toAbsolutePath().toString();
        }

        @Override
        public void close() {}
    }

    /** A zip file read in place; {@link ZipFile} is safe to read from several threads. */
    private static final class ZipStore implements Store {
        private final Path file;
        private final ZipFile zip;
        private final String prefix;
        private final List<String> names;

        private ZipStore(Path file, ZipFile zip, String prefix, List<String> names) {
            this.file = file;
            this.zip = zip;
            this.prefix = prefix;
            this.names = names;
        }

        static ZipStore open(Path file) {
            ZipFile zip;
            try {
                zip = new ZipFile(file.toFile());
            } catch (ZipException e) {
                throw new DatasetException("image-folder: " + file.toAbsolutePath() + " is neither a folder nor a "
                        + "readable zip file (" + e.getMessage() + ")", e);
            } catch (IOException e) {
                throw new DatasetException("image-folder: cannot open " + file.toAbsolutePath() + ": " + e, e);
            }
            List<String> names = new ArrayList<>();
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                names.add(entries.nextElement().getName());
            }
            String prefix = findPrefix(names);
            if (prefix == null) {
                try {
                    zip.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                throw new DatasetException("image-folder: zip " + file.toAbsolutePath() + " has no train/ folder at "
                        + "its top or under one top-level folder; expected [<top>/]train/<class>/*.jpg|png and "
                        + "[<top>/]test/<class>/...");
            }
            return new ZipStore(file, zip, prefix, names);
        }

        /** "" when train/ is at the top, "top/" when every entry is under one folder holding train/, else null. */
        private static String findPrefix(List<String> names) {
            if (names.stream().anyMatch(n -> n.startsWith("train/") || n.startsWith("test/"))) {
                return "";
            }
            TreeSet<String> tops = new TreeSet<>();
            for (String n : names) {
                int slash = n.indexOf('/');
                String top = slash < 0 ? n : n.substring(0, slash);
                if (!isHidden(top)) {
                    tops.add(top);
                }
            }
            if (tops.size() == 1) {
                String prefix = tops.first() + "/";
                if (names.stream().anyMatch(n -> n.startsWith(prefix + "train/") || n.startsWith(prefix + "test/"))) {
                    return prefix;
                }
            }
            return null;
        }

        @Override
        public Map<String, List<String>> scan(String split) {
            String start = prefix + split + "/";
            TreeMap<String, List<String>> classes = new TreeMap<>();
            boolean found = false;
            for (String name : names) {
                if (!name.startsWith(start)) {
                    continue;
                }
                found = true;
                String[] parts = name.substring(start.length()).split("/");
                if (parts.length == 0 || parts[0].isEmpty() || isHidden(parts[0])) {
                    continue;
                }
                boolean directory = name.endsWith("/");
                if (parts.length == 1 && !directory) {
                    if (isImage(parts[0])) {
                        throw new DatasetException("image-folder: " + where(name.substring(prefix.length()))
                                + " lies directly in " + split + "/; images must be in class folders");
                    }
                    continue;
                }
                List<String> files = classes.computeIfAbsent(parts[0], k -> new ArrayList<>());
                String last = parts[parts.length - 1];
                if (!directory && isImage(last) && Arrays.stream(parts).noneMatch(ImageFolder::isHidden)) {
                    files.add(name.substring(prefix.length()));
                }
            }
            if (!found) {
                throw new DatasetException("image-folder: missing folder " + where(split) + "; expected "
                        + prefix + split + "/<class>/*.jpg|png inside the zip");
            }
            return checked(classes, where(split));
        }

        @Override
        public byte[] read(String relative) {
            ZipEntry entry = zip.getEntry(prefix + relative);
            if (entry == null) {
                throw new DatasetException("image-folder: entry " + where(relative) + " has disappeared");
            }
            try (InputStream in = zip.getInputStream(entry)) {
                return in.readAllBytes();
            } catch (IOException | IllegalStateException e) {
                throw new DatasetException("image-folder: cannot read " + where(relative) + ": " + e, e);
            }
        }

        @Override
        public String where(String relative) {
            return file.toAbsolutePath() + "!/" + prefix + relative;
        }

        @Override
        public void close() {
            try {
                zip.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
