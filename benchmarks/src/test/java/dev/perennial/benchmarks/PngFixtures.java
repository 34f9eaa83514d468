package dev.perennial.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;

/** Image folders for tests, written as PNGs without java.desktop (this module does not read it). */
public final class PngFixtures {
    private PngFixtures() {}

    /**
     * Writes {@code root/train/CLASS/I.png} and {@code root/test/CLASS/I.png} of random RGB pixels.
     *
     * @param root the folder to create
     * @param classes the class folder names
     * @param train training images per class
     * @param test test images per class
     * @param size width and height in pixels
     * @param seed the pixels' random seed
     * @return {@code root}
     * @throws IOException when a file cannot be written
     */
    public static Path imageFolder(Path root, List<String> classes, int train, int test, int size, long seed)
            throws IOException {
        Random r = new Random(seed);
        for (String split : List.of("train", "test")) {
            for (String c : classes) {
                Path d = Files.createDirectories(root.resolve(split).resolve(c));
                for (int i = 0; i < (split.equals("train") ? train : test); i++) {
                    byte[] rgb = new byte[size * size * 3];
                    r.nextBytes(rgb);
                    Files.write(d.resolve(i + ".png"), png(size, size, rgb));
                }
            }
        }
        return root;
    }

    /**
     * A minimal 8-bit RGB PNG.
     *
     * @param width width in pixels
     * @param height height in pixels
     * @param rgb the pixels, row by row, 3 bytes each
     * @return the file's bytes
     * @throws IOException never, in practice (in-memory streams)
     */
    public static byte[] png(int width, int height, byte[] rgb) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(raw)) {
            for (int y = 0; y < height; y++) {
                z.write(0);
                z.write(rgb, y * width * 3, width * 3);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream o = new DataOutputStream(out);
        o.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeInt(width);
        h.writeInt(height);
        h.write(new byte[] {8, 2, 0, 0, 0});
        chunk(o, "IHDR", ihdr.toByteArray());
        chunk(o, "IDAT", raw.toByteArray());
        chunk(o, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(DataOutputStream o, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        o.writeInt(data.length);
        o.write(t);
        o.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        o.writeInt((int) crc.getValue());
    }
}
