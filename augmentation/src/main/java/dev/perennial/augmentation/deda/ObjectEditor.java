package dev.perennial.augmentation.deda;

import java.util.SplittableRandom;

/**
 * Conservative editing of a class-dependent part (spec §4 item 2, "CdpEditor"). The paper edits CDPs with a
 * diffusion model (SDEdit + textual inversion); the built-ins are {@code identity} and
 * {@code photometric-geometric} ({@link PhotometricGeometricEditor}). A generative editor can implement this
 * interface and register it with {@link java.util.ServiceLoader} ({@code provides
 * dev.perennial.augmentation.deda.ObjectEditor with ...}, public no-argument constructor), then be chosen with
 * the {@code de-da} config field {@code editor}. An editor must keep the alpha channel aligned with the pixels
 * it moves.
 */
public interface ObjectEditor {

    /**
     * The name the {@code editor} config field uses.
     *
     * @return lower-case letters, digits and dashes
     */
    String name();

    /**
     * Edits one object. Must not modify its argument.
     *
     * @param object the CDP
     * @param random the step's generator; draw every random number from it so runs repeat themselves
     * @return the edited CDP, same sizes
     */
    ObjectLayer edit(ObjectLayer object, SplittableRandom random);
}
