package dev.perennial.api.registry;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a plugin provider was found: in the application itself (built-in: the boot layer or the class path)
 * or in a plugin directory; in which module; in which jar or folder.
 *
 * @param builtIn true for providers of the application, false for providers from a plugin directory
 * @param module the provider's module name, or {@code unnamed} for a class-path provider
 * @param location the jar (or classes folder) that holds the provider class, when known
 */
public record PluginSource(boolean builtIn, String module, Optional<Path> location) {

    /** Checks the parts. */
    public PluginSource {
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(location, "location");
    }

    /**
     * For messages and {@code perennial plugins}: {@code built-in module dev.perennial.continual (...jar)} or
     * {@code module dev.perennial.example in /plugins/example.jar}.
     *
     * @return the text
     */
    @Override
    public String toString() {
        String where = location.map(p -> (builtIn ? " (" : " in ") + p + (builtIn ? ")" : "")).orElse("");
        String what = "unnamed".equals(module) ? "class path" : "module " + module;
        return (builtIn ? "built-in " : "") + what + where;
    }
}
