package dev.perennial.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Documents one component of a plugin's configuration record; the configuration reference and
 * {@code perennial plugins check} read it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD})
public @interface ConfigDoc {
    /**
     * What the field means, its unit and its accepted range.
     *
     * @return the documentation
     */
    String value();
}
