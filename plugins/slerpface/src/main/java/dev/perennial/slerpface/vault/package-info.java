/**
 * {@link dev.perennial.slerpface.vault.TemplateVault}: enrolment, 1:1 verification, 1:N identification,
 * revocation and persistence of protected templates (keys in a separate file; see
 * {@link dev.perennial.slerpface.vault.VaultFiles} for the documented format).
 */
package dev.perennial.slerpface.vault;
