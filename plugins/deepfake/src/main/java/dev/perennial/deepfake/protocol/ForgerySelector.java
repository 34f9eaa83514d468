package dev.perennial.deepfake.protocol;

import java.util.Set;

/**
 * Which fakes a protocol group holds: by method, family and domain; an empty set accepts any value. The reals of a
 * group are the reals of the domains its fakes come from.
 *
 * @param methods accepted methods
 * @param families accepted families
 * @param domains accepted domains
 */
public record ForgerySelector(Set<String> methods, Set<String> families, Set<String> domains) {

    /** Copies the sets. */
    public ForgerySelector {
        methods = Set.copyOf(methods);
        families = Set.copyOf(families);
        domains = Set.copyOf(domains);
    }

    /**
     * Every fake of some families in some domains, e.g. DF40's {@code FSAll_ff}.
     *
     * @param families the families
     * @param domains the domains
     * @return the selector
     */
    public static ForgerySelector families(Set<String> families, Set<String> domains) {
        return new ForgerySelector(Set.of(), families, domains);
    }

    /**
     * Some methods, in any domain.
     *
     * @param methods the methods
     * @return the selector
     */
    public static ForgerySelector methods(Set<String> methods) {
        return new ForgerySelector(methods, Set.of(), Set.of());
    }

    /**
     * Whether a fake belongs to the group.
     *
     * @param r the record
     * @return true for a fake whose method, family and domain are accepted
     */
    public boolean acceptsFake(ForgeryRecord r) {
        return r.fake() && (methods.isEmpty() || methods.contains(r.method()))
                && (families.isEmpty() || families.contains(r.family()))
                && (domains.isEmpty() || domains.contains(r.domain()));
    }
}
