package dev.perennial.slerpface.faces;

import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The {@code generated-faces} data set: {@link FaceRenderer} images, rendered on demand. Class id = identity.
 * Training images are images {@code 0..trainImages−1} of each identity, test images the next {@code testImages}.
 * Identities from {@code identities} upward never appear in either split: {@link #verificationImage} renders them
 * for verification with disjoint identities.
 */
public final class GeneratedFaces implements DatasetSource {

    private final GeneratedFacesConfig config;
    private final FaceRenderer renderer;
    private final List<String> classNames;

    /**
     * The data set.
     *
     * @param config the configuration
     */
    public GeneratedFaces(GeneratedFacesConfig config) {
        this.config = config;
        this.renderer = new FaceRenderer(config.size(), config.seed());
        List<String> names = new ArrayList<>(config.identities());
        for (int i = 0; i < config.identities(); i++) {
            names.add("identity-" + i);
        }
        this.classNames = Collections.unmodifiableList(names);
    }

    @Override
    public DatasetSplit train() {
        return new Split(0, config.trainImages());
    }

    @Override
    public DatasetSplit test() {
        if (config.unseenTestIdentities() > 0) {
            return new Unseen();
        }
        return new Split(config.trainImages(), config.testImages());
    }

    @Override
    public String describe() {
        return "generated faces: " + config.identities() + " identities, " + config.trainImages() + " + "
                + config.testImages() + " images each, " + config.size() + "x" + config.size() + ", seed "
                + config.seed() + (config.unseenTestIdentities() > 0 ? "; test split: " + config.testImages()
                + " images of each of " + config.unseenTestIdentities() + " unseen identities" : "");
    }

    /**
     * An image of an identity that is in no split (for disjoint-identity verification).
     *
     * @param j the verification identity, from 0
     * @param image the image of it
     * @return the image, {@code 3 × size × size}
     */
    public Feature.Floats verificationImage(int j, int image) {
        return new Feature.Floats(renderer.render(config.identities() + j, image),
                new long[] {3, config.size(), config.size()});
    }

    /** The test split of unseen identities: image {@code i % testImages} of verification identity i / testImages. */
    private final class Unseen extends IdentityMajorSplit {
        Unseen() {
            super("generated-faces", config.unseenTestIdentities(), 0, config.testImages(),
                    classNames);
        }

        @Override
        protected Example example(int index, int identity, int image) {
            return Example.labelledImage(index, identity, verificationImage(identity, image));
        }
    }

    /** The images {@code [firstImage, firstImage + count)} of every identity, rendered on demand. */
    private final class Split extends IdentityMajorSplit {
        Split(int firstImage, int count) {
            super("generated-faces", config.identities(), firstImage, count, classNames);
        }

        @Override
        protected Example example(int index, int identity, int image) {
            return Example.labelledImage(index, identity,
                    new Feature.Floats(renderer.render(identity, image), new long[] {3, config.size(), config.size()}));
        }
    }
}
