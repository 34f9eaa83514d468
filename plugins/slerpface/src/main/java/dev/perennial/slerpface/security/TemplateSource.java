package dev.perennial.slerpface.security;

import dev.perennial.slerpface.GroupedTemplate;

/**
 * Where the evaluation's templates come from: generated clusters ({@link SyntheticTemplates}) or a trained
 * recogniser's extraction (e.g. {@code SlerpFaceLearner.extract} over {@code GeneratedFaces} images, wired by a
 * benchmark program).
 */
@FunctionalInterface
public interface TemplateSource {

    /**
     * The template of one image of one identity; the same arguments must give the same template.
     *
     * @param identity the identity
     * @param image the image of that identity
     * @return the template
     */
    GroupedTemplate sample(int identity, int image);
}
