package dev.perennial.continual.prompt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.perennial.models.nn.Owned;
import dev.perennial.models.vit.VitAttention;
import dev.perennial.models.vit.VitPrefix;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CODA's α, prompt composition and orthogonality penalty, L2P's selection and surrogate loss, and prefix attention
 * against tools/goldens/prompts_reference.py (Debian torch, float64, written from prompts.md's equations); 1e-5.
 */
class PromptReferenceTest {
    private static final float TOL = 1e-5f;
    private static JsonObject golden;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = PromptReferenceTest.class.getResourceAsStream("/goldens/prompts_reference.json")) {
            if (in == null) {
                throw new IllegalStateException("missing /goldens/prompts_reference.json "
                        + "(tools/goldens/prompts_reference.py)");
            }
            golden = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        }
    }

    private static float[] floats(JsonObject o, String name) {
        JsonArray a = o.getAsJsonArray(name);
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsFloat();
        }
        return out;
    }

    private static NDArray array(NDManager m, JsonObject o, String name, long... shape) {
        return Owned.floats(m, floats(o, name), new Shape(shape));
    }

    private static int n(JsonObject o, String name) {
        return o.get(name).getAsInt();
    }

    @Test
    void codaAttentionCompositionAndOrthoPenaltyMatchTheReference() {
        JsonObject c = golden.getAsJsonObject("coda");
        int b = n(c, "b");
        int d = n(c, "d");
        int m = n(c, "m");
        int len = n(c, "length");
        try (NDManager mg = NDManager.newBaseManager()) {
            NDArray q = array(mg, c, "q", b, d);
            NDArray a = array(mg, c, "a", m, d);
            NDArray k = array(mg, c, "k", m, d);
            NDArray p = array(mg, c, "p", m, len, d);
            assertArrayEquals(floats(c, "alpha"), CodaPromptLearner.attention(q, a, k).toFloatArray(), TOL);
            assertArrayEquals(floats(c, "composed"), CodaPromptLearner.compose(q, a, k, p).toFloatArray(), 1e-4f);
            assertEquals(c.get("orthoK").getAsFloat(), CodaPromptLearner.orthoPenalty(k).getFloat(), TOL * 10);
            assertEquals(c.get("orthoA").getAsFloat(), CodaPromptLearner.orthoPenalty(a).getFloat(), TOL * 10);
            assertEquals(c.get("orthoP").getAsFloat(), CodaPromptLearner.orthoPenalty(p.reshape(m, -1)).getFloat(),
                    1e-3f);
        }
    }

    @Test
    void l2pSelectionAndSurrogateLossMatchTheReference() {
        JsonObject l = golden.getAsJsonObject("l2p");
        int b = n(l, "b");
        int d = n(l, "d");
        int pool = n(l, "pool");
        int topN = n(l, "n");
        float lambda = l.get("lambda").getAsFloat();
        try (NDManager mg = NDManager.newBaseManager()) {
            NDArray sim = KeyMatching.cosine(array(mg, l, "q", b, d), array(mg, l, "keys", pool, d));
            assertArrayEquals(floats(l, "sim"), sim.toFloatArray(), TOL);
            int[][] perSample = KeyMatching.topN(sim, topN);
            JsonArray expected = l.getAsJsonArray("perSample");
            for (int r = 0; r < b; r++) {
                JsonArray row = expected.get(r).getAsJsonArray();
                for (int j = 0; j < topN; j++) {
                    assertEquals(row.get(j).getAsInt(), perSample[r][j], "sample " + r + " rank " + j);
                }
            }
            int[][] batchwise = KeyMatching.batchwise(perSample, topN, pool);
            JsonArray major = l.getAsJsonArray("batchwise");
            for (int j = 0; j < topN; j++) {
                assertEquals(major.get(j).getAsInt(), batchwise[0][j]);
            }
            assertEquals(l.get("pullPerSample").getAsFloat(), KeyMatching.pullLoss(sim, perSample, lambda).getFloat(),
                    TOL);
            assertEquals(l.get("pullBatchwise").getAsFloat(), KeyMatching.pullLoss(sim, batchwise, lambda).getFloat(),
                    TOL);
        }
    }

    @Test
    void prefixAttentionMatchesTheReference() {
        JsonObject p = golden.getAsJsonObject("prefix");
        int b = n(p, "b");
        int t = n(p, "t");
        int d = n(p, "d");
        int lp = n(p, "prefix");
        try (NDManager mg = NDManager.newBaseManager()) {
            VitAttention attn = new VitAttention(d, n(p, "heads"), true, false);
            attn.initialize(mg, DataType.FLOAT32, new Shape(1, t, d));
            array(mg, p, "qkvWeight", 3L * d, d).copyTo(attn.qkv().getParameters().get("weight").getArray());
            array(mg, p, "qkvBias", 3L * d).copyTo(attn.qkv().getParameters().get("bias").getArray());
            array(mg, p, "projWeight", d, d).copyTo(attn.proj().getParameters().get("weight").getArray());
            array(mg, p, "projBias", d).copyTo(attn.proj().getParameters().get("bias").getArray());
            NDArray out = attn.forward(new ParameterStore(mg, false), array(mg, p, "x", b, t, d), false,
                    new VitPrefix(array(mg, p, "prefixKeys", b, lp, d), array(mg, p, "prefixValues", b, lp, d)));
            assertArrayEquals(floats(p, "out"), out.toFloatArray(), TOL * 10);
        }
    }
}
