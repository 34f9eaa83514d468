package dev.perennial.continual.prompt;

import java.util.List;

/** Config checks shared by the prompt learners' configs. */
final class PromptChecks {
    private PromptChecks() {}

    static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * Checks block indices against the ViT depth.
     *
     * @param plugin the plugin
     * @param field the field
     * @param layers the indices
     * @param depth the ViT depth
     */
    static void layers(String plugin, String field, List<Integer> layers, int depth) {
        for (int l : layers) {
            require(l >= 0 && l < depth, plugin + ": '" + field + "' has block " + l + "; the ViT (backbone.depth "
                    + depth + ") has blocks 0.." + (depth - 1));
        }
        require(layers.stream().distinct().count() == layers.size(), plugin + ": '" + field
                + "' lists a block twice: " + layers);
    }
}
