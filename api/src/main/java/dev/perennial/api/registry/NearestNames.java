package dev.perennial.api.registry;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Suggestions for a mistyped name: the known names closest by edit distance. */
final class NearestNames {
    private NearestNames() {}

    /**
     * The known names within a small edit distance of {@code name} (or that start with it), closest first.
     *
     * @param name the name asked for
     * @param known the names that exist
     * @param limit at most this many
     * @return the suggestions, possibly empty
     */
    static List<String> nearest(String name, Collection<String> known, int limit) {
        int threshold = Math.max(2, name.length() / 3);
        return known.stream()
                .filter(k -> editDistance(name, k) <= threshold || k.startsWith(name) || name.startsWith(k))
                .sorted(Comparator.<String>comparingInt(k -> editDistance(name, k)).thenComparing(k -> k))
                .limit(limit)
                .toList();
    }

    /** Levenshtein distance: insertions, deletions and substitutions each cost 1. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
