/**
 * The security evaluation of template protectors (spec §1.8–1.9): verification accuracy (10-fold) and TAR at
 * FAR ({@link dev.perennial.slerpface.security.VerificationProtocol}), unlinkability D↔sys
 * ({@link dev.perennial.slerpface.security.Unlinkability}), key-known and learned
 * ({@link dev.perennial.slerpface.security.RidgeInverter}) inversion attacks and revocation, on generated identity
 * clusters ({@link dev.perennial.slerpface.security.SyntheticTemplates}); the program is
 * {@link dev.perennial.slerpface.security.SecurityEvaluation}.
 */
package dev.perennial.slerpface.security;
