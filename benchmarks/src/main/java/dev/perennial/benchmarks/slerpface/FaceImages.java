package dev.perennial.benchmarks.slerpface;

/**
 * Face images by (identity, image) in the evaluation's identity numbering: what the recogniser extracts templates
 * from and what the image-decoder attacker learns to draw.
 */
@FunctionalInterface
public interface FaceImages {

    /**
     * One image; the same arguments give the same image.
     *
     * @param identity the identity
     * @param image the image of that identity
     * @return {@code 3·S·S} CHW values in [0, 1]
     */
    float[] image(int identity, int image);
}
