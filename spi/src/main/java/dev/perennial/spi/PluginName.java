package dev.perennial.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The name of a provider, on its class, so the registry can index providers without instantiating them
 * (it reads {@code ServiceLoader.Provider.type()}). Required on every provider class; must equal
 * {@link PluginProvider#name()}, which by default returns it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface PluginName {
    /**
     * The name, matching {@link PluginProvider#NAME}.
     *
     * @return the name
     */
    String value();
}
