package dev.perennial.slerpface.security;

import dev.perennial.slerpface.GroupedTemplate;
import dev.perennial.spi.Protector.ProtectedTemplate;
import java.util.List;

/**
 * A learned inversion attacker (spec §1.9 and §7, "attack substitutes"): it collects pairs of its OWN identities
 * (a protected template it leaked from a system, each under its own key, with the raw template and the image it
 * came from), learns from them, and then reconstructs a template from a victim's leaked protected template
 * without the victim's key. {@link ProtectorEvaluation} judges every reconstruction the same way for every
 * attack, so a new attacker (e.g. an image decoder whose output is fed back to the recogniser) plugs in here.
 */
public interface InversionAttack {

    /**
     * The attack's name in the results (a column of the table).
     *
     * @return the name
     */
    String name();

    /**
     * Learns from the attacker's pairs.
     *
     * @param pairs pairs of the attacker's identities, disjoint from the victims
     * @return the fitted inverter
     */
    Inverter fit(List<LeakedPair> pairs);

    /**
     * One training pair of the attacker.
     *
     * @param identity the identity in the evaluation's {@link TemplateSource} numbering (so an attack that needs
     *     the face image can render or load it)
     * @param image the image of that identity
     * @param leaked the protected template, under a key of its own
     * @param raw the raw template it was protected from
     */
    record LeakedPair(int identity, int image, ProtectedTemplate leaked, GroupedTemplate raw) {}

    /** A fitted attacker. */
    @FunctionalInterface
    interface Inverter {

        /**
         * The reconstruction of a victim's template from its leaked protected template.
         *
         * @param leaked the victim's stored protected template (no key)
         * @return the reconstructed template, comparable with raw templates (features) and usable as a probe
         */
        GroupedTemplate invert(ProtectedTemplate leaked);
    }
}
