package dev.perennial.slerpface;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.perennial.spi.Protector.ProtectedTemplate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Spec F12: enrolment and matching agree with an independent numpy rendering of the official scripts
 * ({@code golden/make_slerpface_golden.py}) given the same key and dropout draws (numpy's RNG cannot be
 * reproduced in Java, so the draws are read from the file). Tolerance 1e-5: the stored template is float32.
 */
class GoldenTest {

    private static Map<String, double[]> golden() throws IOException {
        Map<String, double[]> out = new HashMap<>();
        try (InputStream in = GoldenTest.class.getResourceAsStream("/golden/slerpface_golden.txt")) {
            if (in == null) {
                throw new IllegalStateException("golden/slerpface_golden.txt is missing from the test resources");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String[] parts = line.trim().split(" ");
                double[] values = new double[parts.length - 1];
                for (int i = 1; i < parts.length; i++) {
                    values[i - 1] = Double.parseDouble(parts[i]);
                }
                out.put(parts[0], values);
            }
        }
        return out;
    }

    @Test
    void enrolmentAndMatchingMatchTheNumpyReference() throws IOException {
        Map<String, double[]> g = golden();
        SlerpProtector protector = new SlerpProtector(SlerpFaceConfig.defaults());
        GroupedTemplate template = new GroupedTemplate(g.get("template"), g.get("weights"), 16);
        GroupedTemplate probe = new GroupedTemplate(g.get("probe"), g.get("probe_weights"), 16);
        int[][] draws = new int[49][];
        for (int i = 0; i < 49; i++) {
            double[] d = g.get("draws_" + i);
            draws[i] = new int[d.length];
            for (int j = 0; j < d.length; j++) {
                draws[i][j] = (int) d[j];
            }
        }
        ProtectedTemplate stored = protector.protect(template, g.get("key"), draws);
        double[] expected = g.get("protected");
        for (int j = 0; j < expected.length; j++) {
            assertEquals(expected[j], stored.values()[j], 1e-6, "protected value " + j);
        }
        double score = protector.similarity(stored, probe, g.get("key"));
        assertEquals(g.get("score")[0], score, 1e-5);
        assertEquals(g.get("distance")[0], SlerpProtector.distance(score), 1e-5);
    }
}
