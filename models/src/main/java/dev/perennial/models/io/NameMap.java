package dev.perennial.models.io;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Renames checkpoint tensors to a block's parameter names before loading, or drops them (empty result).
 * Maps compose left to right with {@link #andThen}.
 *
 * <pre>{@code
 * // Hugging Face CLIPModel checkpoint into a vision tower: keep only the vision weights, without the prefix.
 * NameMap clip = NameMap.selectPrefix("vision_model.");
 * // a timm checkpoint whose classifier is called "head" into a block that calls it "fc"
 * NameMap timm = NameMap.rename("^head\\.", "fc.");
 * }</pre>
 */
@FunctionalInterface
public interface NameMap {

    /**
     * The block name for a checkpoint name.
     *
     * @param checkpointName the tensor's name in the checkpoint
     * @return the parameter name in the block, or empty to skip the tensor
     */
    Optional<String> apply(String checkpointName);

    /**
     * This map followed by another (a name dropped by this one stays dropped).
     *
     * @param next the map applied to this one's result
     * @return the composition
     */
    default NameMap andThen(NameMap next) {
        Objects.requireNonNull(next, "next");
        return name -> apply(name).flatMap(next::apply);
    }

    /**
     * Names unchanged.
     *
     * @return the identity map
     */
    static NameMap identity() {
        return Optional::of;
    }

    /**
     * Removes a prefix where present; other names pass unchanged.
     *
     * @param prefix e.g. {@code "model."}
     * @return the map
     */
    static NameMap stripPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return name -> Optional.of(name.startsWith(prefix) ? name.substring(prefix.length()) : name);
    }

    /**
     * Keeps only names with a prefix, without it; other names are skipped.
     *
     * @param prefix e.g. {@code "vision_model."}
     * @return the map
     */
    static NameMap selectPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return name -> name.startsWith(prefix) ? Optional.of(name.substring(prefix.length())) : Optional.empty();
    }

    /**
     * Prepends a prefix to every name.
     *
     * @param prefix e.g. {@code "backbone."}
     * @return the map
     */
    static NameMap addPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return name -> Optional.of(prefix + name);
    }

    /**
     * Replaces every match of a regular expression ({@link java.util.regex.Matcher#replaceAll}, so groups
     * such as {@code $1} work).
     *
     * @param regex the pattern
     * @param replacement the replacement
     * @return the map
     */
    static NameMap rename(String regex, String replacement) {
        Pattern p = Pattern.compile(regex);
        Objects.requireNonNull(replacement, "replacement");
        return name -> Optional.of(p.matcher(name).replaceAll(replacement));
    }

    /**
     * Skips names that contain a match of a regular expression.
     *
     * @param regex the pattern, e.g. {@code "^head\\."}
     * @return the map
     */
    static NameMap drop(String regex) {
        Pattern p = Pattern.compile(regex);
        return name -> p.matcher(name).find() ? Optional.empty() : Optional.of(name);
    }

    /**
     * Exact renames from a table; names not in it pass unchanged.
     *
     * @param renames checkpoint name to block name
     * @return the map
     */
    static NameMap of(Map<String, String> renames) {
        Map<String, String> copy = Map.copyOf(renames);
        return name -> Optional.of(copy.getOrDefault(name, name));
    }
}
