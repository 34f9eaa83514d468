package dev.perennial.samples.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plan the Spark executor reads: every point's name, group, pair key and --set arguments, the other axes. */
class SweepPlanFileTest {
    @TempDir
    Path dir;

    @Test
    void thePlanHoldsTheCheckedGridAndPairsPointsAcrossLearners() throws Exception {
        Files.writeString(dir.resolve("base.yaml"), SweepGridTest.BASE);
        SweepFile s = SweepFile.read(Files.writeString(dir.resolve("grid.yaml"), """
                base: base.yaml
                axes:
                  learner: [finetune, {name: lwf, config: {lambda: 2}}]
                  seed: [1, 2]
                  training.epochs: [1, 3]
                parallel: 3
                """));
        List<SweepPoint> points = SweepGrid.expand(s);
        Path plan = dir.resolve("out/plan.json");
        SweepPlanFile.write(s, points, s.baseFile(), dir.resolve("out"), 3, List.of("/bin/java", "-m", "x/y"), plan);
        JsonNode root = new ObjectMapper().readTree(plan.toFile());
        assertEquals("perennial-sweep-plan/1", root.get("format").asText());
        assertEquals("grid", root.get("sweep").asText());
        assertEquals(dir.resolve("base.yaml").toAbsolutePath().toString(), root.get("base").asText());
        assertEquals(dir.resolve("out").toAbsolutePath().toString(), root.get("directory").asText());
        assertEquals(3, root.get("parallel").asInt());
        assertEquals("[\"training.epochs\"]", root.get("axes").toString());
        assertEquals(3, root.get("launcher").size());
        JsonNode ps = root.get("points");
        assertEquals(8, ps.size());
        for (int i = 0; i < 8; i++) {
            JsonNode p = ps.get(i);
            SweepPoint q = points.get(i);
            assertEquals(q.name(), p.get("name").asText());
            assertEquals(q.group(), p.get("group").asText());
            assertEquals(q.overrides().size(), p.get("overrides").size());
            assertEquals(q.overrides().get(q.overrides().size() - 2), p.get("overrides").get(q.overrides().size() - 2)
                    .asText());
        }
        // finetune seed 2 epochs 3 pairs with lwf seed 2 epochs 3, and with no other finetune point.
        JsonNode a = ps.get(3);
        JsonNode b = ps.get(7);
        assertEquals("grid-finetune-s2-1", a.get("name").asText());
        assertEquals("grid-lwf-s2-1", b.get("name").asText());
        assertEquals(a.get("pairKey").asText(), b.get("pairKey").asText());
        for (int i = 0; i < 4; i++) {
            assertTrue(i == 3 || !ps.get(i).get("pairKey").asText().equals(a.get("pairKey").asText()));
        }
        assertEquals("grid-lwf-1", b.get("group").asText());
    }
}
