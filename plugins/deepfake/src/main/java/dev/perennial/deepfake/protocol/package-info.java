/**
 * DF40-style evaluation protocols (specs/deepfake.md Part C): a {@link dev.perennial.deepfake.protocol.ForgeryIndex}
 * of frames (method, family, domain, real/fake, video id, split), declarative
 * {@link dev.perennial.deepfake.protocol.ProtocolSpec}s for P1–P4 ({@link dev.perennial.deepfake.protocol.Df40Protocols})
 * with a held-out validation split for model selection, and the P4
 * {@link dev.perennial.deepfake.protocol.TransferMatrix} table, and the {@code df40-protocol} data set
 * ({@link dev.perennial.deepfake.protocol.Df40SourceProvider}) that serves a protocol split to the loop.
 */
package dev.perennial.deepfake.protocol;
