package dev.perennial.slerpface.faces;

import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import java.util.List;

/**
 * The images {@code [firstImage, firstImage + count)} of every identity, identity-major: example {@code i} is image
 * {@code firstImage + i % count} of identity {@code i / count}, labelled with the identity. The face data sets
 * ({@code generated-faces}, {@code id3-synthetic}) differ only in how they make that image.
 */
public abstract class IdentityMajorSplit implements DatasetSplit {
    private final String source;
    private final int identities;
    private final int firstImage;
    private final int count;
    private final List<String> classNames;

    /**
     * A split.
     *
     * @param source the data set's name, for messages
     * @param identities identities (classes)
     * @param firstImage the first image index of every identity in this split
     * @param count images per identity in this split
     * @param classNames the identities' names
     */
    protected IdentityMajorSplit(String source, int identities, int firstImage, int count, List<String> classNames) {
        this.source = source;
        this.identities = identities;
        this.firstImage = firstImage;
        this.count = count;
        this.classNames = classNames;
    }

    /**
     * The example of one identity's image.
     *
     * @param index the example's index in the split (its id)
     * @param identity the identity, the label
     * @param image the image's index within the identity
     * @return the example
     */
    protected abstract Example example(int index, int identity, int image);

    @Override
    public final int size() {
        return identities * count;
    }

    @Override
    public final int[] labels() {
        int[] labels = new int[size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i / count;
        }
        return labels;
    }

    @Override
    public final Example get(int index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException(source + ": example " + index + " outside 0.." + (size() - 1));
        }
        return example(index, index / count, firstImage + index % count);
    }

    @Override
    public final List<String> classNames() {
        return classNames;
    }
}
