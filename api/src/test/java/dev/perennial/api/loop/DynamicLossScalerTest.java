package dev.perennial.api.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The scaler follows torch's GradScaler.update rule with its defaults. */
class DynamicLossScalerTest {

    @Test
    void startsAtTwoToTheSixteenth() {
        assertEquals(65536.0, new DynamicLossScaler().scale());
    }

    @Test
    void growsByTwoAfterTwoThousandCleanStepsAndNotBefore() {
        DynamicLossScaler s = new DynamicLossScaler();
        for (int i = 0; i < 1999; i++) {
            s.update(false);
        }
        assertEquals(65536.0, s.scale());
        assertEquals(1999, s.cleanSteps());
        s.update(false);
        assertEquals(131072.0, s.scale());
        assertEquals(0, s.cleanSteps());
    }

    @Test
    void halvesOnOverflowAndRestartsTheCount() {
        DynamicLossScaler s = new DynamicLossScaler();
        for (int i = 0; i < 1500; i++) {
            s.update(false);
        }
        s.update(true);
        assertEquals(32768.0, s.scale());
        assertEquals(0, s.cleanSteps());
        for (int i = 0; i < 1999; i++) {
            s.update(false);
        }
        assertEquals(32768.0, s.scale(), "the 1500 clean steps before the overflow do not count");
        s.update(false);
        assertEquals(65536.0, s.scale());
    }

    @Test
    void overflowsInARowKeepHalving() {
        DynamicLossScaler s = new DynamicLossScaler(8, 2, 0.5, 3);
        s.update(true);
        s.update(true);
        s.update(true);
        assertEquals(1.0, s.scale());
    }

    @Test
    void restoresACheckpointedStateAndRejectsAnImpossibleOne() {
        DynamicLossScaler s = new DynamicLossScaler();
        s.restore(1024.0, 17);
        assertEquals(1024.0, s.scale());
        assertEquals(17, s.cleanSteps());
        assertThrows(IllegalArgumentException.class, () -> s.restore(0, 1));
        assertThrows(IllegalArgumentException.class, () -> s.restore(2, 2000));
        assertThrows(IllegalArgumentException.class, () -> new DynamicLossScaler(1, 1, 0.5, 1));
    }
}
