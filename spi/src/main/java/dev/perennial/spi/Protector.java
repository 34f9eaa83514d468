package dev.perennial.spi;

/**
 * Protects biometric feature templates: a protected template still matches probes of the same identity
 * under its key, but cannot be inverted to the face, and revoking the key makes it useless.
 */
public interface Protector {

    /**
     * Draws a new per-user key.
     *
     * @param seed the seed of the draw
     * @return the key
     */
    TemplateKey newKey(long seed);

    /**
     * Protects an enrolment template.
     *
     * @param template the unprotected feature vector
     * @param key the user's key
     * @return the protected template
     */
    ProtectedTemplate protect(float[] template, TemplateKey key);

    /**
     * The similarity of a probe to a protected template; higher means more alike.
     *
     * @param enrolled the stored protected template
     * @param probe an unprotected probe template
     * @param key the key the template was protected with
     * @return the similarity score
     */
    double similarity(ProtectedTemplate enrolled, float[] probe, TemplateKey key);

    /**
     * A per-user secret.
     *
     * @param id an id for storage and revocation
     * @param values the key's values
     */
    record TemplateKey(String id, float[] values) {}

    /**
     * A protected template with the scheme's auxiliary data (e.g. which dimensions were dropped).
     *
     * @param scheme the protector's name and version
     * @param values the protected vector
     * @param keep per-dimension keep mask (true = kept), or an empty array when the scheme drops nothing
     */
    record ProtectedTemplate(String scheme, float[] values, boolean[] keep) {}
}
