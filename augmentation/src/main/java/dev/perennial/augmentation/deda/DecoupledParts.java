package dev.perennial.augmentation.deda;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Finds De-DA's mask provider and object editor by name: the built-ins first, then implementations registered
 * with {@link ServiceLoader} (searched with the thread's context class loader, or this module's when there is
 * none). An unknown name is an error listing every name that would have worked.
 */
public final class DecoupledParts {

    /** The built-in mask sources. {@code auto} means dataset masks when the batch has them, saliency otherwise. */
    public static final List<String> BUILT_IN_MASK_SOURCES = List.of("auto", "dataset", "saliency");
    /** The built-in editors. */
    public static final List<String> BUILT_IN_EDITORS = List.of("photometric-geometric", "identity");

    private DecoupledParts() {}

    /**
     * The mask provider a config names; {@code auto} resolves to empty (decided per batch).
     *
     * @param config the configuration
     * @return the provider, or empty for {@code auto}
     * @throws IllegalArgumentException when the name is unknown
     */
    public static Optional<MaskProvider> maskProvider(DecoupledConfig config) {
        String name = config.maskSource();
        switch (name) {
            case "auto":
                return Optional.empty();
            case "dataset":
                return Optional.of(new DatasetMaskProvider(config.maskInput()));
            case "saliency":
                return Optional.of(saliency(config));
            default:
                List<String> known = new ArrayList<>(BUILT_IN_MASK_SOURCES);
                for (MaskProvider p : ServiceLoader.load(MaskProvider.class, loader())) {
                    if (p.name().equals(name)) {
                        return Optional.of(p);
                    }
                    known.add(p.name());
                }
                throw new IllegalArgumentException("de-da config field 'maskSource' is '" + name
                        + "', which no mask provider answers to; known: " + new TreeSet<>(known));
        }
    }

    /**
     * The built-in saliency provider configured by a config.
     *
     * @param config the configuration
     * @return the provider
     */
    public static SpectralResidualSaliency saliency(DecoupledConfig config) {
        return new SpectralResidualSaliency(config.saliencyBlurFraction(), config.saliencyThreshold());
    }

    /**
     * The object editor a config names.
     *
     * @param config the configuration
     * @return the editor
     * @throws IllegalArgumentException when the name is unknown
     */
    public static ObjectEditor editor(DecoupledConfig config) {
        String name = config.editor();
        switch (name) {
            case "photometric-geometric":
                return new PhotometricGeometricEditor(config.editStrength());
            case "identity":
                return new IdentityEditor();
            default:
                List<String> known = new ArrayList<>(BUILT_IN_EDITORS);
                for (ObjectEditor e : ServiceLoader.load(ObjectEditor.class, loader())) {
                    if (e.name().equals(name)) {
                        return e;
                    }
                    known.add(e.name());
                }
                throw new IllegalArgumentException("de-da config field 'editor' is '" + name
                        + "', which no object editor answers to; known: " + new TreeSet<>(known));
        }
    }

    private static ClassLoader loader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : DecoupledParts.class.getClassLoader();
    }
}
