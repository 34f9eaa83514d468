package dev.perennial.benchmarks;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.benchmarks.deepfake.DiffusionFakeBenchmark;
import dev.perennial.benchmarks.deepfake.TinyLatentDiffusion;
import dev.perennial.benchmarks.perf.LoopOverheadBenchmark;
import dev.perennial.benchmarks.replay.ReplayBenchmark;
import dev.perennial.benchmarks.vqa.ContinualVqaBenchmark;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A misspelt argument of a benchmark program is refused before any work, naming it and the accepted names (it used
 * to be ignored, so the run silently took the default).
 */
class ProgramArgumentsTest {

    static Stream<Arguments> programs() {
        return Stream.of(
                Arguments.of("ReplayBenchmark", "memory", (Main) ReplayBenchmark::main),
                Arguments.of("ContinualVqaBenchmark", "seeds", (Main) ContinualVqaBenchmark::main),
                Arguments.of("TinyLatentDiffusion", "vae-steps", (Main) TinyLatentDiffusion::main),
                Arguments.of("DiffusionFakeBenchmark", "arms", (Main) DiffusionFakeBenchmark::main),
                Arguments.of("LoopOverheadBenchmark", "rounds", (Main) LoopOverheadBenchmark::main),
                Arguments.of("TransformerTrainingThroughput", "steps", (Main) TransformerTrainingThroughput::main));
    }

    /** A program's main. */
    interface Main {
        void run(String[] args) throws Exception;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    void anUnknownArgumentIsRefusedNamingTheAcceptedOnes(String program, String accepted, Main main) {
        Executable call = () -> main.run(new String[] {"--memroy", "300"});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith("unknown argument --memroy; accepted: "), program + ": " + e.getMessage());
        assertTrue(e.getMessage().contains(accepted), program + ": " + e.getMessage());
    }
}
