package dev.perennial.models;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Locale;

/**
 * The parameters of a block tree under the names of the ecosystem it mirrors (timm, torchvision, Hugging Face).
 *
 * <p>DJL keys a child block as {@code <two-digit position><name>} (e.g. {@code 01attn}) and a parameter by its own
 * name (e.g. {@code weight}). Registering children and parameters under the torch names and joining the path
 * with dots, after dropping DJL's position prefix, gives the torch name exactly ({@code blocks.0.attn.qkv.weight},
 * {@code cls_token}) — including names with underscores, which the naive "replace '_' by '.'" rule
 * (djl-notes §1.3) breaks.
 */
public final class ParameterNames {
    private ParameterNames() {}

    /**
     * Every parameter of the tree, keyed by its dotted torch-style name, in registration order.
     *
     * @param root the block
     * @return name to parameter
     */
    public static Map<String, Parameter> of(Block root) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect(root, "", out);
        return out;
    }

    /**
     * The torch name of a child: DJL's key without the position prefix it added ({@code "%02d"} of the
     * 1-based position), so numeric names such as {@code blocks.0} survive.
     *
     * @param djlKey the key in the parent's child list, e.g. {@code 010} or {@code 02attn}
     * @param position the child's 1-based position
     * @return the name it was registered with
     */
    static String torchName(String djlKey, int position) {
        String expected = String.format(Locale.ROOT, "%02d", position);
        return djlKey.startsWith(expected) ? djlKey.substring(expected.length()) : djlKey;
    }

    private static void collect(Block block, String prefix, Map<String, Parameter> out) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            out.put(prefix + p.getKey(), p.getValue());
        }
        int position = 0;
        for (Pair<String, Block> child : block.getChildren()) {
            position++;
            collect(child.getValue(), prefix + torchName(child.getKey(), position) + ".", out);
        }
    }
}
