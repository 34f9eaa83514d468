package dev.perennial.deepfake.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DF40 protocol structure (specs/deepfake.md §C.2, C.7.1) on a small generated index. */
class ProtocolTest {

    /** Two domains; FS methods a, b; FR method c; EFS method d; 4 videos × 2 frames per (method, domain, split). */
    static ForgeryIndex index() {
        List<ForgeryRecord> r = new ArrayList<>();
        String[][] methods = {{"a", "FS"}, {"b", "FS"}, {"c", "FR"}, {"d", "EFS"}, {"real", ""}};
        for (String domain : List.of("ff", "cdf")) {
            for (String split : List.of("train", "test")) {
                for (String[] m : methods) {
                    for (int v = 0; v < 4; v++) {
                        for (int f = 0; f < 2; f++) {
                            String video = domain + "/" + split + "/" + m[0] + "/" + v;
                            r.add(new ForgeryRecord(video + "/" + f + ".png", m[0], m[1], domain,
                                    !m[0].equals("real"), video, split));
                        }
                    }
                }
            }
        }
        return new ForgeryIndex(r);
    }

    @Test
    void p1TrainsOnOneFamilyAndHoldsOutWholeTrainingVideos() {
        ProtocolSplit s = index().split(Df40Protocols.p1("FS", ProtocolSpec.ModelSelection.HELD_OUT_VALIDATION, 3));
        assertFalse(s.selectedOnTestData());
        for (ForgeryRecord r : s.train()) {
            assertEquals("train", r.split());
            assertEquals("ff", r.domain());
            assertTrue(!r.fake() || r.family().equals("FS"));
        }
        for (ForgeryRecord r : s.validation()) {
            assertEquals("train", r.split(), "never the test set");
        }
        Set<String> trainVideos = s.train().stream().map(ForgeryRecord::videoId).collect(Collectors.toSet());
        for (ForgeryRecord r : s.validation()) {
            assertFalse(trainVideos.contains(r.videoId()), "validation holds out whole videos");
        }
        assertEquals(12 * 2, s.train().size() + s.validation().size(), "FS (a, b) + reals in ff/train: 12 videos of 2 frames");
        assertEquals(List.of("FSAll_ff", "FRAll_ff", "EFSAll_ff"), List.copyOf(s.test().keySet()));
        for (List<ForgeryRecord> g : s.test().values()) {
            assertTrue(g.stream().allMatch(r -> r.split().equals("test") && r.domain().equals("ff")));
            assertTrue(g.stream().anyMatch(r -> !r.fake()), "each group has the reals of its domain");
        }
        // Deterministic under the seed.
        assertEquals(s.validation(), index().split(Df40Protocols.p1("FS",
                ProtocolSpec.ModelSelection.HELD_OUT_VALIDATION, 3)).validation());
    }

    @Test
    void p2TestsTheOtherDomainAndDf40SelectionIsFlagged() {
        ProtocolSplit s = index().split(Df40Protocols.p2("FS",
                ProtocolSpec.ModelSelection.DF40_COMPATIBLE_TEST_SELECTION, 1));
        assertTrue(s.selectedOnTestData());
        assertTrue(s.validation().stream().allMatch(r -> r.split().equals("test")));
        assertTrue(s.test().get("FRAll_cdf").stream().allMatch(r -> r.domain().equals("cdf")));
    }

    @Test
    void p3FailsClearlyWhenTheIndexLacksTheUnknownMethods() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> index().split(Df40Protocols.p3("FS", 1)));
        assertTrue(e.getMessage().contains("deepfacelab"), e.getMessage());
    }

    @Test
    void p4MatrixIsATable() {
        ForgeryIndex idx = index();
        List<String> methods = idx.fakeMethods();
        assertEquals(List.of("a", "b", "c", "d"), methods);
        ProtocolSplit row = idx.split(Df40Protocols.p4("a", methods, 1));
        assertEquals(new HashSet<>(methods), row.test().keySet());
        assertTrue(row.train().stream().allMatch(r -> !r.fake() || r.method().equals("a")));
        TransferMatrix m = TransferMatrix.of(methods, (i, j) -> i.equals(j) ? 1.0 : 0.5);
        assertEquals(0.5, m.unseenMean("a"), 0);
        String table = m.toMarkdown();
        assertTrue(table.startsWith("| train \\ test | a | b | c | d | unseen mean |"), table);
        assertEquals(2 + 4, table.split("\n").length);
    }

    @Test
    void indexFileRoundTripAndErrorsNameTheLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("index.csv");
        Files.writeString(f, "path,method,family,domain,label,video_id,split\n"
                + "x/0.png,simswap,FS,ff,1,ff/x,train\nr/0.png,real,,ff,0,ff/r,train\n");
        ForgeryIndex idx = ForgeryIndex.read(f);
        assertEquals(2, idx.records().size());
        assertTrue(idx.records().get(0).fake());
        Files.writeString(f, "path,method,family,domain,label,video_id,split\nx/0.png,simswap,,ff,1,ff/x,train\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ForgeryIndex.read(f));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("family"), e.getMessage());
        Files.writeString(f, "a,b\n");
        assertThrows(IllegalArgumentException.class, () -> ForgeryIndex.read(f));
    }
}
