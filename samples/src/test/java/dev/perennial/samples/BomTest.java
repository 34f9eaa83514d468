package dev.perennial.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code perennial-bom} lists every artifact the build makes, at the build's version. */
class BomTest {
    private static final Path ROOT = Path.of("..");

    private static String ownArtifactId(String pom) {
        String afterParent = pom.contains("</parent>") ? pom.substring(pom.indexOf("</parent>")) : pom;
        Matcher m = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(afterParent);
        assertTrue(m.find(), "a pom without artifactId");
        return m.group(1);
    }

    private static String ownVersion(String pom) {
        String outside = pom.replaceAll("(?s)<parent>.*?</parent>", "").replaceAll("(?s)<dependencyManagement>.*",
                "");
        Matcher m = Pattern.compile("<version>([^<]+)</version>").matcher(outside);
        assertTrue(m.find(), "a pom without version");
        return m.group(1);
    }

    @Test
    void theBomListsEveryModuleAtTheProjectVersion() throws IOException {
        String root = Files.readString(ROOT.resolve("pom.xml"));
        String bom = Files.readString(ROOT.resolve("bom/pom.xml"));
        assertEquals(ownVersion(root), ownVersion(bom), "the BOM's version is the project's");
        List<String> missing = new ArrayList<>();
        Matcher modules = Pattern.compile("<module>([^<]+)</module>").matcher(root);
        int count = 0;
        while (modules.find()) {
            if (modules.group(1).equals("bom")) {
                continue;
            }
            count++;
            String artifact = ownArtifactId(Files.readString(ROOT.resolve(modules.group(1)).resolve("pom.xml")));
            String entry = "<groupId>dev.perennial</groupId><artifactId>" + artifact
                    + "</artifactId><version>${project.version}</version>";
            if (!bom.contains(entry)) {
                missing.add(artifact);
            }
        }
        assertTrue(count >= 11, "read the root pom's modules: " + count);
        assertEquals(List.of(), missing, "artifacts missing from bom/pom.xml");
    }
}
