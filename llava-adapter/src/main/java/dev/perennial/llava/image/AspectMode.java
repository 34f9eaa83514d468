package dev.perennial.llava.image;

/** How a non-square image becomes square before the vision tower. */
public enum AspectMode {
    /**
     * LLaVA-1.5 ({@code image_aspect_ratio pad}, {@code expand2square}): pad the short side with the mean colour,
     * centred, then resize. Nothing of the image is lost. The default.
     */
    PAD,
    /** CLIP's own preprocessing (llava-hf's {@code CLIPImageProcessor}): resize the short side, crop the centre. */
    CENTER_CROP
}
