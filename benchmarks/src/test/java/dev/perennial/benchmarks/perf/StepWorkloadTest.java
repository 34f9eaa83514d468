package dev.perennial.benchmarks.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.perennial.models.ParameterNames;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The analytic FLOP counts against the built models' own weights: every weight matrix or kernel does one
 * multiply-add per element per output position, so forward MACs = Σ weight elements × positions (+ the attention
 * products, which have no weights). Also the published totals: timm's 4.6 GMACs for ViT-S/16 at 224 px and the
 * commonly quoted 0.56 GMACs of the CIFAR ResNet-18.
 */
class StepWorkloadTest {

    private static long weightMacs(StepWorkload w, java.util.function.ToLongFunction<String> positions) {
        try (NDManager m = NDManager.newBaseManager()) {
            StepWorkload.StepModel model = w.build(m);
            long macs = 0;
            for (Map.Entry<String, Parameter> e : ParameterNames.of(model.block()).entrySet()) {
                if (e.getKey().endsWith("weight") && e.getValue().getShape().dimension() >= 2) {
                    macs += e.getValue().getShape().size() * positions.applyAsLong(e.getKey());
                }
            }
            return macs;
        }
    }

    @Test
    void resnetCountEqualsKernelsTimesOutputPositions() {
        long macs = weightMacs(StepWorkload.RESNET18_CIFAR, name -> {
            if (name.startsWith("layer")) {
                long side = 32 >> (name.charAt(5) - '1');
                return side * side;
            }
            return name.startsWith("conv1") ? 32 * 32 : 1;
        });
        assertEquals(2 * macs, StepWorkload.RESNET18_CIFAR.forwardFlopsPerSample());
        assertEquals(0.56e9, macs, 0.01e9);
    }

    @Test
    void vitCountEqualsWeightsTimesTokensPlusAttention() {
        long tokens = 197;
        long d = 384;
        long macs = weightMacs(StepWorkload.VIT_S16_224, name -> name.startsWith("patch_embed") ? 196
                : name.startsWith("blocks") ? tokens : 1);
        macs += 12 * 2 * tokens * tokens * d;
        assertEquals(2 * macs, StepWorkload.VIT_S16_224.forwardFlopsPerSample());
        assertEquals(4.6e9, macs, 0.05e9);
    }

    @Test
    void llamaCountEqualsWeightsTimesSequencePlusAttention() {
        long macs = weightMacs(StepWorkload.LLAMA_BLOCK, name -> name.startsWith("layer") ? 64 : 1);
        macs += 2L * 64 * 64 * 256;
        assertEquals(2 * macs, StepWorkload.LLAMA_BLOCK.forwardFlopsPerSample());
    }

    @Test
    void trainingIsThreeForwardsLessTheStemInputGradient() {
        for (StepWorkload w : StepWorkload.values()) {
            long training = w.trainingFlopsPerSample();
            assertTrue(training <= 3 * w.forwardFlopsPerSample() && training > 2.9 * w.forwardFlopsPerSample(),
                    w.id() + ": " + training);
        }
        assertEquals(3 * StepWorkload.LLAMA_BLOCK.forwardFlopsPerSample(),
                StepWorkload.LLAMA_BLOCK.trainingFlopsPerSample());
    }

    @Test
    void unknownWorkloadNamesTheAcceptedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StepWorkload.of("vit"));
        assertTrue(e.getMessage().contains("resnet18_cifar"), e.getMessage());
    }
}
