/**
 * Rehearsal memory for learners that replay stored examples (ER, DER, DER++, GDumb, iCaRL's exemplars): a
 * bounded {@link dev.perennial.spi.replay.ReplayBuffer} with reservoir or class-balanced insertion, its
 * {@link dev.perennial.spi.replay.ReplayItem}s, and the exact checkpoint form of both. Third-party learners reuse
 * it without depending on the built-in learners.
 */
package dev.perennial.spi.replay;
