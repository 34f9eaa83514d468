package dev.perennial.models;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

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
    private static final Pattern POSITION_PREFIX = Pattern.compile("^\\d+");

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

    private static void collect(Block block, String prefix, Map<String, Parameter> out) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            out.put(prefix + p.getKey(), p.getValue());
        }
        for (Pair<String, Block> child : block.getChildren()) {
            String name = POSITION_PREFIX.matcher(child.getKey()).replaceFirst("");
            collect(child.getValue(), prefix + name + ".", out);
        }
    }
}
