package dev.perennial.deepfake.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code df40-protocol} data set over PNG frames written by the test. */
class Df40SourceTest {

    @Test
    void servesTheProtocolSplitsAsDecodedExamples(@TempDir Path dir) throws Exception {
        StringBuilder csv = new StringBuilder("path,method,family,domain,label,video_id,split\n");
        for (ForgeryRecord r : ProtocolTest.index().records()) {
            Path file = dir.resolve(r.path());
            Files.createDirectories(file.getParent());
            BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
            int red = r.fake() ? 255 : 0;
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    img.setRGB(x, y, (red << 16) | (128 << 8) | 64);
                }
            }
            ImageIO.write(img, "png", file.toFile());
            csv.append(String.join(",", r.path(), r.method(), r.family(), r.domain(), r.fake() ? "1" : "0",
                    r.videoId(), r.split())).append('\n');
        }
        Path index = dir.resolve("index.csv");
        Files.writeString(index, csv.toString());
        Df40SourceConfig d = Df40SourceConfig.defaults();
        DatasetSource src = Df40SourceProvider.open(new Df40SourceConfig(index.toString(), "", "p1", "FS", "test",
                "FRAll_ff", "held-out", 4, 0));
        assertTrue(src.describe().startsWith("P1-FS"), src.describe());
        int[] labels = src.test().labels();
        assertEquals(8 + 8, labels.length, "FR fakes (method c) and the ff test reals, 4 videos x 2 frames each");
        assertEquals(8, Arrays.stream(labels).filter(l -> l == 1).count());
        Example e = src.test().get(0);
        float[] v = ((Feature.Floats) e.features().get("image")).values();
        assertEquals(3 * 4 * 4, v.length);
        int label = e.label().orElseThrow();
        assertEquals(label == 1 ? 1f : 0f, v[0], 1e-6f);
        assertEquals(128 / 255f, v[16], 1e-6f);
        assertTrue(e.texts().get("video_id").startsWith("ff/test/"));
        assertArrayEquals(new int[] {0, 1}, src.train().classNames().stream().mapToInt(n -> n.equals("real") ? 0 : 1)
                .toArray());
        DatasetSource validation = Df40SourceProvider.open(new Df40SourceConfig(index.toString(), "", "p1", "FS",
                "validation", "", "held-out", 4, 0));
        assertTrue(validation.test().size() > 0 && validation.train().size() > validation.test().size());
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> Df40SourceProvider.open(
                new Df40SourceConfig(index.toString(), "", "p1", "FS", "test", "nope", "held-out", 4, 0)));
        assertTrue(x.getMessage().contains("FRAll_ff"), x.getMessage());
        x = assertThrows(IllegalArgumentException.class, () -> new Df40SourceConfig("", "", "p5", "FS", "test", "",
                "held-out", 4, 0));
        assertTrue(x.getMessage().contains("protocol"));
        assertThrows(IllegalArgumentException.class, () -> Df40SourceProvider.open(d));
    }
}
