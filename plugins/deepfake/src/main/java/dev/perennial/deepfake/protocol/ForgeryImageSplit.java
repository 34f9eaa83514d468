package dev.perennial.deepfake.protocol;

import dev.perennial.spi.DatasetException;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import javax.imageio.ImageIO;

/**
 * Protocol records as an SPI {@link DatasetSplit}: each example is the frame decoded with ImageIO, resized
 * bilinearly to S×S RGB float32 in [0, 1] ({@code image}, 3×S×S), labelled 0 (real) or 1 (fake), with the texts
 * {@code video_id}, {@code method}, {@code family} and {@code domain} (video metrics read {@code video_id}).
 * Example ids are the records' positions in the whole index, so they are stable across protocols.
 */
public final class ForgeryImageSplit implements DatasetSplit {
    private final List<ForgeryRecord> records;
    private final int[] ids;
    private final Path root;
    private final int size;

    /**
     * Makes the view.
     *
     * @param index the whole index (for stable ids)
     * @param records the records of this split
     * @param root the folder record paths are relative to
     * @param size S, the side images are resized to
     */
    public ForgeryImageSplit(ForgeryIndex index, List<ForgeryRecord> records, Path root, int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("image size must be positive; was " + size);
        }
        this.records = List.copyOf(records);
        this.ids = new int[records.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = index.idOf(records.get(i));
        }
        this.root = root;
        this.size = size;
    }

    @Override
    public int size() {
        return records.size();
    }

    @Override
    public int[] labels() {
        int[] out = new int[records.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = records.get(i).fake() ? 1 : 0;
        }
        return out;
    }

    @Override
    public Example get(int index) {
        ForgeryRecord r = records.get(index);
        Path file = root.resolve(r.path());
        BufferedImage image;
        try (var in = Files.newInputStream(file)) {
            image = ImageIO.read(in);
        } catch (IOException e) {
            throw new DatasetException("cannot read frame " + file + ": " + e.getMessage(), e);
        }
        if (image == null) {
            throw new DatasetException("frame " + file + " is not an image ImageIO can decode (PNG, JPEG, BMP, GIF)");
        }
        BufferedImage scaled = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, size, size, null);
        g.dispose();
        float[] v = new float[3 * size * size];
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int rgb = scaled.getRGB(x, y);
                v[y * size + x] = ((rgb >> 16) & 0xff) / 255f;
                v[plane + y * size + x] = ((rgb >> 8) & 0xff) / 255f;
                v[2 * plane + y * size + x] = (rgb & 0xff) / 255f;
            }
        }
        return new Example(ids[index], OptionalInt.of(r.fake() ? 1 : 0),
                Map.of("image", new Feature.Floats(v, new long[] {3, size, size})),
                Map.of("video_id", r.videoId(), "method", r.method(), "family", r.family(), "domain", r.domain()));
    }

    @Override
    public List<String> classNames() {
        return List.of("real", "fake");
    }
}
