package dev.perennial.continual.vqa;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.perennial.spi.DatasetException;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import javax.imageio.ImageIO;

/**
 * LLaVA-style instruction data: JSON arrays of {@code {"id", "image", "conversations": [{"from": "human",
 * "value": "<image>\nQuestion"}, {"from": "gpt", "value": "Answer"}, ...]}} (the format of CoIN's annotation
 * files) and a folder of images. Each entry gives one example: the first human turn (without the
 * {@code <image>} marker) is the {@code question}, the gpt turn after it the {@code answer}; later turns are
 * ignored. Texts also carry {@code task} and {@code scorer}; the feature {@code image} is 3×S×S in [0, 1],
 * padded to a square with the CLIP mean colour and resized (bicubic) to S.
 */
public final class LlavaInstructionJson implements DatasetSource {
    private static final int[] CLIP_MEAN_RGB = {122, 116, 104};

    /** One parsed entry. */
    record Entry(String id, String image, String question, String answer, String task, String scorer) {}

    private final LlavaInstructionJsonProvider.Config config;
    private final Path imageFolder;
    private final Split train;
    private final Split test;

    private LlavaInstructionJson(LlavaInstructionJsonProvider.Config config, Path imageFolder, List<Entry> train,
                                 List<Entry> test) {
        this.config = config;
        this.imageFolder = imageFolder;
        this.train = new Split(train);
        this.test = new Split(test);
    }

    /**
     * Reads and checks every annotation file (images are read when examples are decoded).
     *
     * @param config the configuration
     * @return the source
     * @throws IllegalArgumentException naming the field or file and what is accepted
     */
    public static LlavaInstructionJson open(LlavaInstructionJsonProvider.Config config) {
        if (config.imageFolder() == null || config.imageFolder().isEmpty()
                || !Files.isDirectory(Path.of(config.imageFolder()))) {
            throw new IllegalArgumentException("llava-instruction-json imageFolder '" + config.imageFolder()
                    + "' is not a folder");
        }
        if (config.tasks().isEmpty()) {
            throw new IllegalArgumentException("llava-instruction-json tasks: give at least one {name, train, test,"
                    + " scorer}");
        }
        if (config.imageSize() < 8 || config.imageSize() > 1024) {
            throw new IllegalArgumentException("llava-instruction-json imageSize must be in 8..1024, was "
                    + config.imageSize());
        }
        List<Entry> train = new ArrayList<>();
        List<Entry> test = new ArrayList<>();
        for (LlavaInstructionJsonProvider.TaskFiles t : config.tasks()) {
            if (t.name() == null || t.name().isBlank()) {
                throw new IllegalArgumentException("llava-instruction-json tasks: every task needs a name");
            }
            train.addAll(read(t.train(), t, "train"));
            test.addAll(read(t.test(), t, "test"));
        }
        return new LlavaInstructionJson(config, Path.of(config.imageFolder()), train, test);
    }

    private static List<Entry> read(String file, LlavaInstructionJsonProvider.TaskFiles task, String field) {
        if (file == null) {
            throw new IllegalArgumentException("llava-instruction-json task '" + task.name() + "': " + field
                    + " file is missing");
        }
        JsonElement root;
        try (Reader r = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            root = JsonParser.parseReader(r);
        } catch (IOException | JsonParseException e) {
            throw new IllegalArgumentException("llava-instruction-json task '" + task.name() + "': cannot read "
                    + field + " file " + file + ": " + e.getMessage(), e);
        }
        if (!root.isJsonArray()) {
            throw new IllegalArgumentException(file + ": expected a JSON array of {id, image, conversations}");
        }
        List<Entry> out = new ArrayList<>();
        JsonArray array = root.getAsJsonArray();
        for (int i = 0; i < array.size(); i++) {
            out.add(entry(array.get(i), file, i, task));
        }
        return out;
    }

    static Entry entry(JsonElement element, String file, int index, LlavaInstructionJsonProvider.TaskFiles task) {
        String where = file + " entry " + index;
        if (!element.isJsonObject()) {
            throw new IllegalArgumentException(where + ": expected an object {id, image, conversations}");
        }
        JsonObject o = element.getAsJsonObject();
        String id = o.has("id") ? o.get("id").getAsString() : Integer.toString(index);
        where = file + " entry " + index + " (id " + id + ")";
        if (!o.has("image") || !o.get("image").isJsonPrimitive()) {
            throw new IllegalArgumentException(where + ": needs an 'image' path (text-only entries are not supported)");
        }
        if (!o.has("conversations") || !o.get("conversations").isJsonArray()) {
            throw new IllegalArgumentException(where + ": needs a 'conversations' array of {from, value}");
        }
        String question = null;
        String answer = null;
        for (JsonElement turn : o.getAsJsonArray("conversations")) {
            JsonObject t = turn.getAsJsonObject();
            String from = t.has("from") ? t.get("from").getAsString() : "";
            String value = t.has("value") ? t.get("value").getAsString() : "";
            if (question == null && from.equals("human")) {
                question = value.replace("<image>", "").strip();
            } else if (question != null && from.equals("gpt")) {
                answer = value.strip();
                break;
            }
        }
        if (question == null || answer == null) {
            throw new IllegalArgumentException(where + ": needs a 'human' turn followed by a 'gpt' turn");
        }
        return new Entry(id, o.get("image").getAsString(), question, answer, task.name(), task.scorer().id());
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
        return "llava-instruction-json " + imageFolder + " tasks "
                + config.tasks().stream().map(LlavaInstructionJsonProvider.TaskFiles::name).toList();
    }

    private final class Split implements TaskTaggedSplit {
        private final List<Entry> entries;

        Split(List<Entry> entries) {
            this.entries = List.copyOf(entries);
        }

        @Override
        public int size() {
            return entries.size();
        }

        @Override
        public int[] labels() {
            int[] l = new int[entries.size()];
            java.util.Arrays.fill(l, -1);
            return l;
        }

        @Override
        public String[] taskNames() {
            return entries.stream().map(Entry::task).toArray(String[]::new);
        }

        @Override
        public Example get(int index) {
            Entry e = entries.get(index);
            Path file = imageFolder.resolve(e.image());
            BufferedImage image;
            try {
                image = ImageIO.read(file.toFile());
            } catch (IOException ex) {
                throw new DatasetException("cannot read image " + file + " of entry " + e.id() + ": "
                        + ex.getMessage(), ex);
            }
            if (image == null) {
                throw new DatasetException("image " + file + " of entry " + e.id()
                        + " is missing or not a format ImageIO reads (PNG, JPEG, GIF, BMP)");
            }
            int s = config.imageSize();
            return new Example(index, OptionalInt.empty(),
                    Map.of("image", new Feature.Floats(squareResized(image, s), new long[] {3, s, s})),
                    Map.of("question", e.question(), "answer", e.answer(), TaskTaggedSplit.TASK_TEXT, e.task(),
                            CoinAccuracyProvider.SCORER_TEXT, e.scorer(), "id", e.id()));
        }

        @Override
        public List<String> classNames() {
            return List.of();
        }
    }

    /** LLaVA's {@code pad} aspect mode (centre on a CLIP-mean square), then a bicubic resize; CHW floats. */
    static float[] squareResized(BufferedImage image, int size) {
        int side = Math.max(image.getWidth(), image.getHeight());
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setColor(new Color(CLIP_MEAN_RGB[0], CLIP_MEAN_RGB[1], CLIP_MEAN_RGB[2]));
            g.fillRect(0, 0, size, size);
            double scale = (double) size / side;
            int w = (int) Math.round(image.getWidth() * scale);
            int h = (int) Math.round(image.getHeight() * scale);
            g.drawImage(image, (size - w) / 2, (size - h) / 2, w, h, null);
        } finally {
            g.dispose();
        }
        float[] chw = new float[3 * size * size];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int rgb = out.getRGB(x, y);
                chw[y * size + x] = ((rgb >> 16) & 0xFF) / 255f;
                chw[size * size + y * size + x] = ((rgb >> 8) & 0xFF) / 255f;
                chw[2 * size * size + y * size + x] = (rgb & 0xFF) / 255f;
            }
        }
        return chw;
    }
}
