package dev.perennial.benchmarks.safe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.perennial.api.config.ConfigBinder;
import dev.perennial.continual.baseline.EwcProvider;
import dev.perennial.continual.baseline.FinetuneProvider;
import dev.perennial.continual.baseline.LwfProvider;
import dev.perennial.continual.net.BackboneConfig;
import dev.perennial.continual.replay.DerProvider;
import dev.perennial.continual.replay.DerppProvider;
import dev.perennial.continual.replay.ErProvider;
import dev.perennial.continual.replay.GdumbProvider;
import dev.perennial.continual.replay.IcarlProvider;
import dev.perennial.spi.LearnerProvider;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The from-scratch learners of the SAFE benchmark bind, through the same binder as the builder, to a {@code ptm-vit}
 * backbone on the PTM learners' checkpoint and architecture, with the same memory for every rehearsal learner.
 */
class SafeBenchmarkReplayConfigTest {

    @Test
    void everyReplayMethodBindsToThePtmLearnersViT() throws Exception {
        Map<String, Object> ptm = new LinkedHashMap<>();
        ptm.put("checkpoint", "/some/ptm.safetensors");
        ptm.put("imageSize", 32);
        ptm.put("patchSize", 4);
        ptm.put("embedDim", 64);
        ptm.put("depth", 4);
        ptm.put("numHeads", 4);
        ptm.put("pet", "adapter");
        ptm.put("adapterBottleneck", 16);
        Map<String, LearnerProvider<?>> providers = Map.of("finetune", new FinetuneProvider(), "lwf",
                new LwfProvider(), "ewc", new EwcProvider(), "er", new ErProvider(), "der", new DerProvider(), "derpp",
                new DerppProvider(), "icarl", new IcarlProvider(), "gdumb", new GdumbProvider());
        assertEquals(SafeBenchmark.REPLAY_METHODS.size(), providers.size());
        ObjectMapper json = new ObjectMapper();
        for (String method : SafeBenchmark.REPLAY_METHODS) {
            Map<String, Object> config = SafeBenchmark.learnerConfig(method, ptm, 1000,
                    new SafeBenchmark.Replay(300, 16, 50, "blocks<2"));
            Record bound = bind(providers.get(method), json.valueToTree(config), method);
            BackboneConfig b = (BackboneConfig) component(bound, "backbone");
            assertEquals("ptm-vit", b.name(), method);
            assertEquals("/some/ptm.safetensors", b.vit().checkpoint(), method);
            assertEquals(List.of(32, 4, 64, 4, 4), List.of(b.vit().imageSize(), b.vit().patchSize(),
                    b.vit().embedDim(), b.vit().depth(), b.vit().numHeads()), method);
            assertEquals(64, b.featureDim(), method);
            assertEquals("blocks<2", b.freeze(), method);
            String text = bound.toString();
            if (List.of("er", "der", "derpp", "gdumb", "icarl").contains(method)) {
                assertTrue(text.contains("300"), method + " has the memory M: " + text);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <C extends Record> C bind(LearnerProvider<C> provider, com.fasterxml.jackson.databind.JsonNode node,
                                             String where) {
        return ConfigBinder.bind(node, provider.configType(), provider.defaultConfig(), where);
    }

    private static Object component(Record r, String name) throws Exception {
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            if (c.getName().equals(name)) {
                return c.getAccessor().invoke(r);
            }
        }
        throw new AssertionError(r.getClass() + " has no " + name);
    }
}
