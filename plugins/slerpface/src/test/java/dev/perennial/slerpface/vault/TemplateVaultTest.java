package dev.perennial.slerpface.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.slerpface.SlerpFaceConfig;
import dev.perennial.slerpface.SlerpProtector;
import dev.perennial.slerpface.security.SyntheticTemplates;
import dev.perennial.spi.Protector.ProtectedTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Enrolment, 1:1, 1:N, revocation and persistence through the vault. */
class TemplateVaultTest {

    private final SlerpProtector protector = new SlerpProtector(SlerpFaceConfig.defaults());
    private final SyntheticTemplates faces = new SyntheticTemplates(49, 16, 0.3, 1.0, 0.1, 21);

    /** Between the genuine (≈ 0.99) and impostor (≈ 0.95) protected scores of these clusters. */
    private static final double ACCEPT = 0.975;

    private TemplateVault vaultOf(int subjects) {
        TemplateVault vault = new TemplateVault(protector, ACCEPT, new Random(3));
        for (int s = 0; s < subjects; s++) {
            vault.enroll("subject-" + s, faces.sample(s, 0).toFlat());
        }
        return vault;
    }

    @Test
    void verifyAcceptsTheSubjectAndRejectsOthers() {
        TemplateVault vault = vaultOf(5);
        assertTrue(vault.verify("subject-2", faces.sample(2, 1).toFlat()).accepted());
        assertFalse(vault.verify("subject-2", faces.sample(3, 1).toFlat()).accepted());
    }

    @Test
    void identifyRanksTheTrueSubjectFirst() {
        TemplateVault vault = vaultOf(10);
        List<TemplateVault.Decision> top = vault.identify(faces.sample(7, 2).toFlat(), 3);
        assertEquals(3, top.size());
        assertEquals("subject-7", top.get(0).subject());
        assertTrue(top.get(0).score() >= top.get(1).score() && top.get(1).score() >= top.get(2).score());
    }

    @Test
    void revocationMakesTheLeakedTemplateUseless() {
        TemplateVault vault = vaultOf(3);
        String oldKey = vault.keyId("subject-1").orElseThrow();
        ProtectedTemplate leaked = vault.protectedTemplate("subject-1").orElseThrow();
        String newKey = vault.revoke("subject-1", faces.sample(1, 3).toFlat());
        assertNotEquals(oldKey, newKey);
        assertTrue(vault.verify("subject-1", faces.sample(1, 4).toFlat()).accepted());
        // a replay of the leaked template: matched under the subject's current key it no longer accepts the face
        double score = protector.similarity(leaked, faces.sample(1, 0).toFlat(),
                new dev.perennial.spi.Protector.TemplateKey(newKey, currentKey(vault)));
        assertTrue(score < ACCEPT && Math.abs(score) < 0.3, "leaked template under the new key scores " + score);
    }

    private float[] currentKey(TemplateVault vault) {
        // the only way to read a key back is through the keys file: that is where keys live
        try {
            Path dir = Files.createTempDirectory("vault-key");
            vault.save(dir.resolve("t.bin"), dir.resolve("k.bin"));
            return VaultFiles.readKeys(dir.resolve("k.bin")).get("subject-1").values();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void savedVaultLoadsAndScoresTheSame(@TempDir Path dir) throws IOException {
        TemplateVault vault = vaultOf(4);
        Path templates = dir.resolve("t");
        Path keys = dir.resolve("secrets/k");
        vault.save(templates, keys);
        TemplateVault loaded = TemplateVault.load(protector, ACCEPT, new Random(4), templates, keys);
        assertEquals(vault.subjects(), loaded.subjects());
        float[] probe = faces.sample(2, 5).toFlat();
        assertEquals(vault.verify("subject-2", probe).score(), loaded.verify("subject-2", probe).score(), 0);
        ProtectedTemplate a = vault.protectedTemplate("subject-3").orElseThrow();
        ProtectedTemplate b = loaded.protectedTemplate("subject-3").orElseThrow();
        assertArrayEquals(a.values(), b.values());
        assertArrayEquals(a.keep(), b.keep());
        assertEquals(a.scheme(), b.scheme());
    }

    @Test
    void theTemplatesFileHoldsNoRawTemplateAndNoKey(@TempDir Path dir) throws IOException {
        TemplateVault vault = vaultOf(1);
        vault.save(dir.resolve("t.bin"), dir.resolve("k.bin"));
        byte[] file = Files.readAllBytes(dir.resolve("t.bin"));
        float[] raw = faces.sample(0, 0).toFlat();
        float[] key = VaultFiles.readKeys(dir.resolve("k.bin")).get("subject-0").values();
        assertFalse(contains(file, raw[0]) && contains(file, raw[1]));
        assertFalse(contains(file, key[0]) && contains(file, key[1]));
    }

    private static boolean contains(byte[] file, float value) {
        int bits = Float.floatToIntBits(value);
        for (int i = 0; i + 4 <= file.length; i++) {
            int v = (file[i] & 0xff) << 24 | (file[i + 1] & 0xff) << 16 | (file[i + 2] & 0xff) << 8 | (file[i + 3] & 0xff);
            if (v == bits) {
                return true;
            }
        }
        return false;
    }

    @Test
    void badFilesAndMisuseAreNamed(@TempDir Path dir) throws IOException {
        TemplateVault vault = vaultOf(2);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> vault.enroll("subject-0",
                faces.sample(0, 1).toFlat())).getMessage().contains("revoke"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> vault.verify("nobody",
                faces.sample(0, 1).toFlat())).getMessage().contains("nobody"));
        Path same = dir.resolve("same.bin");
        assertThrows(IllegalArgumentException.class, () -> vault.save(same, same));
        Path bogus = dir.resolve("bogus.bin");
        Files.writeString(bogus, "hello world, not a vault");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VaultFiles.readTemplates(bogus));
        assertTrue(e.getMessage().contains(bogus.toString()) && e.getMessage().contains("PRNLPTPL"), e.getMessage());
        vault.save(dir.resolve("t.bin"), dir.resolve("k.bin"));
        byte[] bytes = Files.readAllBytes(dir.resolve("t.bin"));
        Path truncated = dir.resolve("truncated.bin");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VaultFiles.readTemplates(truncated))
                .getMessage().contains("ends early"));
        bytes[11] = 9;
        Path future = dir.resolve("future.bin");
        Files.write(future, bytes);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VaultFiles.readTemplates(future))
                .getMessage().contains("format version 9"));
        TemplateVault other = new TemplateVault(protector, ACCEPT, new Random(77));
        other.enroll("subject-0", faces.sample(0, 0).toFlat());
        other.enroll("subject-1", faces.sample(1, 0).toFlat());
        other.save(dir.resolve("t2.bin"), dir.resolve("k2.bin"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TemplateVault.load(protector, ACCEPT,
                new Random(1), dir.resolve("t.bin"), dir.resolve("k2.bin"))).getMessage().contains("key"));
    }
}
