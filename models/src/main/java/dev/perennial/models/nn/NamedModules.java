package dev.perennial.models.nn;

import ai.djl.nn.Block;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The sub-blocks of a tree under dotted torch-style module names, as torch's {@code named_modules()} (without the
 * root): {@code model.layers.0.self_attn.q_proj}. The counterpart of {@code ParameterNames} for blocks; PEFT-style
 * target patterns are matched against these names.
 */
public final class NamedModules {
    private NamedModules() {}

    /**
     * Every descendant block by module name, depth-first in registration order.
     *
     * @param root the root block (not included)
     * @return name to block
     */
    public static Map<String, Block> of(Block root) {
        Map<String, Block> out = new LinkedHashMap<>();
        collect(root, "", out);
        return out;
    }

    private static void collect(Block block, String prefix, Map<String, Block> out) {
        int position = 0;
        for (Pair<String, Block> child : block.getChildren()) {
            position++;
            // DJL keys a child "%02d" + name (1-based position); drop exactly that prefix (djl-notes §1.3).
            String expected = String.format(Locale.ROOT, "%02d", position);
            String key = child.getKey();
            String name = prefix + (key.startsWith(expected) ? key.substring(expected.length()) : key);
            out.put(name, child.getValue());
            collect(child.getValue(), name + ".", out);
        }
    }
}
