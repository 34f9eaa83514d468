/**
 * Continual visual question answering: the CoIN answer scorers, LLaVA-style instruction JSON data, the
 * instruction scenario, and the generated Mini-CoIN benchmark (spec {@code llaca.md} §3).
 */
package dev.perennial.continual.vqa;
