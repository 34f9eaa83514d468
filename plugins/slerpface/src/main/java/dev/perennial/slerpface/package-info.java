/**
 * SlerpFace face-template protection (Zhong, Mi et al., AAAI 2025; official code {@code Tencent/TFace},
 * {@code recognition/tasks/slerpface}): {@link dev.perennial.slerpface.SlerpProtector} implements the SPI's
 * {@code Protector} with the group-wise slerp ({@link dev.perennial.slerpface.GroupSlerp}), the
 * recognition-favoured group-wise dropout ({@link dev.perennial.slerpface.GroupDropout}) and the asymmetric
 * matching rule.
 *
 * <p>Usage without a run:
 * <pre>{@code
 * SlerpProtector protector = new SlerpProtector(SlerpFaceConfig.defaults());
 * Protector.TemplateKey key = protector.keyFrom(new SecureRandom());
 * Protector.ProtectedTemplate stored = protector.protect(template, key);   // 49*16 features + 49 weights
 * double score = protector.similarity(stored, probe, key);
 * boolean same = SlerpProtector.distance(score) < threshold;               // threshold calibrated on protected scores
 * }</pre>
 * Applications use {@link dev.perennial.slerpface.vault.TemplateVault} for enrolment, 1:1, 1:N, revocation and
 * storage.
 */
package dev.perennial.slerpface;
