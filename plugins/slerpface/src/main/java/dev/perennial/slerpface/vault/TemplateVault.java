package dev.perennial.slerpface.vault;

import dev.perennial.slerpface.vault.VaultFiles.StoredTemplate;
import dev.perennial.spi.Protector;
import dev.perennial.spi.Protector.ProtectedTemplate;
import dev.perennial.spi.Protector.TemplateKey;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * What an application calls to use a {@link Protector}: enrol (protect and store), verify (1:1), identify
 * (1:N, top-k), revoke (re-enrol under a new key so the old protected template is useless) and persist.
 *
 * <p>Raw templates pass through and are never kept: the vault holds only protected templates and, in a
 * separate map that is saved to a separate file, the keys. Each enrolment gets a fresh key whose seed comes
 * from the vault's seed source ({@link SecureRandom} by default; note the SPI's {@code newKey(long)} bounds a
 * key's entropy by the 64-bit seed).
 *
 * <p>Decisions compare the protector's score with {@code acceptScore} (accept when {@code score ≥ acceptScore}).
 * Calibrate it on protected genuine / impostor scores of the same protector (SlerpFace compresses scores toward
 * 1, spec §5.6; see {@code security.VerificationProtocol}). Methods are synchronized: one vault may serve
 * several threads.
 */
public final class TemplateVault {

    private final Protector protector;
    private final double acceptScore;
    private final Random seeds;
    private final Map<String, StoredTemplate> templates = new LinkedHashMap<>();
    private final Map<String, TemplateKey> keys = new LinkedHashMap<>();

    /**
     * An empty vault.
     *
     * @param protector the protection scheme
     * @param acceptScore the decision threshold on the protector's score
     * @param seeds the source of key seeds; pass a seeded {@link Random} only in tests
     */
    public TemplateVault(Protector protector, double acceptScore, Random seeds) {
        if (protector == null || seeds == null) {
            throw new IllegalArgumentException("template vault: protector and seed source are required");
        }
        if (!Double.isFinite(acceptScore)) {
            throw new IllegalArgumentException("template vault: acceptScore must be finite, was " + acceptScore);
        }
        this.protector = protector;
        this.acceptScore = acceptScore;
        this.seeds = seeds;
    }

    /**
     * An empty vault whose keys come from a {@link SecureRandom}.
     *
     * @param protector the protection scheme
     * @param acceptScore the decision threshold on the protector's score
     * @return the vault
     */
    public static TemplateVault create(Protector protector, double acceptScore) {
        return new TemplateVault(protector, acceptScore, new SecureRandom());
    }

    /**
     * A 1:1 decision.
     *
     * @param subject who was claimed
     * @param score the protector's score
     * @param accepted {@code score ≥ acceptScore}
     */
    public record Decision(String subject, double score, boolean accepted) {}

    /**
     * Protects a template under a fresh key and stores it.
     *
     * @param subject who it belongs to (non-blank, unique)
     * @param template the raw template (not kept)
     * @return the id of the new key
     * @throws IllegalArgumentException when the subject is blank or already enrolled (use {@link #revoke})
     */
    public synchronized String enroll(String subject, float[] template) {
        checkSubject(subject);
        if (templates.containsKey(subject)) {
            throw new IllegalArgumentException("template vault: subject '" + subject + "' is already enrolled;"
                    + " use revoke(subject, freshTemplate) to re-enrol under a new key");
        }
        return store(subject, template);
    }

    /**
     * Verifies a probe against one subject (1:1).
     *
     * @param subject the claimed subject
     * @param probe the probe's raw template
     * @return the decision
     * @throws IllegalArgumentException when the subject is not enrolled
     */
    public synchronized Decision verify(String subject, float[] probe) {
        StoredTemplate stored = templates.get(subject);
        if (stored == null) {
            throw new IllegalArgumentException("template vault: subject '" + subject + "' is not enrolled");
        }
        double score = protector.similarity(stored.template(), probe, keys.get(subject));
        return new Decision(subject, score, score >= acceptScore);
    }

    /**
     * Searches every enrolled subject (1:N): each is scored under its own key.
     *
     * @param probe the probe's raw template
     * @param k how many candidates to return, at least 1
     * @return the k best-scoring subjects, best first, each with its decision
     */
    public synchronized List<Decision> identify(float[] probe, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("template vault: identify needs k >= 1, was " + k);
        }
        List<Decision> all = new ArrayList<>(templates.size());
        for (StoredTemplate stored : templates.values()) {
            double score = protector.similarity(stored.template(), probe, keys.get(stored.subject()));
            all.add(new Decision(stored.subject(), score, score >= acceptScore));
        }
        all.sort(Comparator.comparingDouble(Decision::score).reversed());
        return List.copyOf(all.subList(0, Math.min(k, all.size())));
    }

    /**
     * Revokes a subject's key and re-enrols a fresh capture under a new key. The old key is forgotten, so a
     * leaked copy of the old protected template no longer verifies (spec §1.9, revocability).
     *
     * @param subject the enrolled subject
     * @param freshTemplate a new raw template of that subject (the vault never kept the old one)
     * @return the id of the new key
     * @throws IllegalArgumentException when the subject is not enrolled
     */
    public synchronized String revoke(String subject, float[] freshTemplate) {
        if (!templates.containsKey(subject)) {
            throw new IllegalArgumentException("template vault: cannot revoke '" + subject + "': not enrolled");
        }
        return store(subject, freshTemplate);
    }

    /**
     * Deletes a subject's template and key.
     *
     * @param subject the subject
     * @return true when it was enrolled
     */
    public synchronized boolean remove(String subject) {
        keys.remove(subject);
        return templates.remove(subject) != null;
    }

    /**
     * The stored protected template of a subject: what a database leak exposes.
     *
     * @param subject the subject
     * @return the protected template, if enrolled
     */
    public synchronized Optional<ProtectedTemplate> protectedTemplate(String subject) {
        return Optional.ofNullable(templates.get(subject)).map(StoredTemplate::template);
    }

    /**
     * The id of a subject's current key.
     *
     * @param subject the subject
     * @return the key id, if enrolled
     */
    public synchronized Optional<String> keyId(String subject) {
        return Optional.ofNullable(keys.get(subject)).map(TemplateKey::id);
    }

    /**
     * The enrolled subjects, in enrolment order.
     *
     * @return the subjects
     */
    public synchronized List<String> subjects() {
        return List.copyOf(templates.keySet());
    }

    /**
     * Saves the protected templates and the keys to two files (see {@link VaultFiles} for the format).
     *
     * @param templatesFile where the protected templates go
     * @param keysFile where the keys go; a different file, ideally on different storage
     * @throws IllegalArgumentException when both paths are the same file
     */
    public synchronized void save(Path templatesFile, Path keysFile) {
        if (templatesFile.toAbsolutePath().normalize().equals(keysFile.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("template vault: templates and keys must go to different files, both"
                    + " are " + templatesFile);
        }
        VaultFiles.writeTemplates(templatesFile, templates);
        VaultFiles.writeKeys(keysFile, keys);
    }

    /**
     * Loads a vault saved by {@link #save}.
     *
     * @param protector the protector the templates were made with
     * @param acceptScore the decision threshold
     * @param seeds the seed source for later enrolments
     * @param templatesFile the templates file
     * @param keysFile the keys file
     * @return the vault
     * @throws IllegalArgumentException naming the file when the files are invalid or do not pair up
     */
    public static TemplateVault load(Protector protector, double acceptScore, Random seeds, Path templatesFile,
            Path keysFile) {
        Map<String, StoredTemplate> storedTemplates = VaultFiles.readTemplates(templatesFile);
        Map<String, TemplateKey> storedKeys = VaultFiles.readKeys(keysFile);
        TemplateVault vault = new TemplateVault(protector, acceptScore, seeds);
        for (StoredTemplate t : storedTemplates.values()) {
            TemplateKey key = storedKeys.get(t.subject());
            if (key == null || !key.id().equals(t.keyId())) {
                throw new IllegalArgumentException("keys file " + keysFile + " has " + (key == null ? "no key"
                        : "key '" + key.id() + "'") + " for subject '" + t.subject() + "' whose template in "
                        + templatesFile + " was protected with key '" + t.keyId() + "'");
            }
            vault.templates.put(t.subject(), t);
            vault.keys.put(t.subject(), key);
        }
        if (storedKeys.size() != storedTemplates.size()) {
            throw new IllegalArgumentException("keys file " + keysFile + " holds " + storedKeys.size()
                    + " keys but " + templatesFile + " holds " + storedTemplates.size() + " templates");
        }
        return vault;
    }

    private String store(String subject, float[] template) {
        TemplateKey key = protector.newKey(seeds.nextLong());
        ProtectedTemplate protectedTemplate = protector.protect(template, key);
        templates.put(subject, new StoredTemplate(subject, key.id(), protectedTemplate));
        keys.put(subject, key);
        return key.id();
    }

    private static void checkSubject(String subject) {
        if (subject == null || subject.isBlank() || subject.length() > 1000) {
            throw new IllegalArgumentException("template vault: subject must be a non-blank name of at most 1000"
                    + " characters, was " + (subject == null ? "null" : "'" + subject + "'"));
        }
    }
}
