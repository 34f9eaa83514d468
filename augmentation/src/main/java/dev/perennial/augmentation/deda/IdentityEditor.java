package dev.perennial.augmentation.deda;

import java.util.SplittableRandom;

/** The no-op editor ({@code identity}): returns a copy of the object, alpha included (spec property D9). */
public final class IdentityEditor implements ObjectEditor {

    /** Makes the editor. */
    public IdentityEditor() {}

    @Override
    public String name() {
        return "identity";
    }

    @Override
    public ObjectLayer edit(ObjectLayer object, SplittableRandom random) {
        return object.copy();
    }
}
