package dev.perennial.benchmarks.deepfake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.deepfake.protocol.ForgeryRecord;
import dev.perennial.deepfake.synthetic.SyntheticFaces;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The DF40-style cut of the rendered forgeries: P1 trains on FS face swaps only (whose source and target faces
 * differ), the held-out groups hold only the unseen FR and EFS forgery types, and the evaluation split is what the
 * config names.
 */
class SyntheticForgeryProtocolTest {
    private static SyntheticForgeryProtocol data(String evaluateOn) {
        return new SyntheticForgeryProtocol(new SyntheticForgeryProtocolConfig(16, 20, 6, 2, 0.5, 0.5, 4,
                evaluateOn));
    }

    @Test
    void trainingHoldsOnlyFaceSwapsAndTheHeldOutGroupsOnlyUnseenTypes() {
        SyntheticForgeryProtocol d = data("held-out");
        Set<String> trainMethods = new HashSet<>();
        for (ForgeryRecord r : d.protocolSplit().train()) {
            trainMethods.add(r.method());
            assertEquals("train", r.split());
        }
        assertEquals(Set.of("real", "swap"), trainMethods);
        assertFalse(d.protocolSplit().validation().isEmpty(), "P1 holds out training videos for validation");
        for (ForgeryRecord r : d.protocolSplit().test().get("FRAll_ff")) {
            assertTrue(Set.of("real", "warp").contains(r.method()), r.method());
        }
        for (ForgeryRecord r : d.protocolSplit().test().get("EFSAll_ff")) {
            assertTrue(Set.of("real", "noise", "upsample", "blur").contains(r.method()), r.method());
        }
        // The swaps are the forgeries with two identities; the self-blends' source and target are the real frame.
        for (SyntheticFaces.Sample s : d.group("FSAll_ff")) {
            assertEquals(s.fake(), !java.util.Arrays.equals(s.source(), s.target()));
        }
        for (SyntheticFaces.Sample s : d.group("EFSAll_ff")) {
            assertArrayEquals(s.source(), s.target());
        }
    }

    @Test
    void theEvaluationSplitIsTheConfiguredGroup() {
        SyntheticForgeryProtocol all = data("held-out");
        int reals = (int) all.group("FRAll_ff").stream().filter(s -> !s.fake()).count();
        int frFakes = (int) all.group("FRAll_ff").stream().filter(SyntheticFaces.Sample::fake).count();
        int efsFakes = (int) all.group("EFSAll_ff").stream().filter(SyntheticFaces.Sample::fake).count();
        assertEquals(reals + frFakes + efsFakes, all.test().size(), "each real once, every held-out fake");
        assertEquals(all.group("FSAll_ff").size(), data("FSAll_ff").test().size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> data("FEAll_ff"));
        assertTrue(e.getMessage().contains("evaluateOn") && e.getMessage().contains("FRAll_ff"), e.getMessage());
    }
}
