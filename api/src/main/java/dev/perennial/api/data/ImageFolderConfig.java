package dev.perennial.api.data;

import dev.perennial.spi.ConfigDoc;

/**
 * Configuration of the {@code image-folder} data set.
 *
 * @param path the folder, or a {@code .zip} file, holding {@code train/<class>/*} and {@code test/<class>/*}
 * @param channels the channels of the decoded images
 * @param height the height images are resized to, or 0 to keep the files' size
 * @param width the width images are resized to, or 0 to keep the files' size
 * @param limitPerClass the most examples read per class and split, or 0 for all
 */
public record ImageFolderConfig(
        @ConfigDoc("Folder or .zip file with train/<class>/*.jpg|png and test/<class>/...; a zip may hold that "
                + "layout under one top-level folder. Relative paths resolve against the working directory.")
        String path,
        @ConfigDoc("Channels of the decoded image: 1 (grey, BT.601 luma) or 3 (RGB). Default 3.")
        int channels,
        @ConfigDoc("Resize every image to this height in pixels (bilinear); 0 keeps the files' size, which must "
                + "then be the same for all images. Set together with width. Default 0.")
        int height,
        @ConfigDoc("Resize every image to this width in pixels (bilinear); 0 keeps the files' size. Default 0.")
        int width,
        @ConfigDoc("Read at most this many images per class in each split (the first ones in file-name order); "
                + "0 reads all. Default 0.")
        int limitPerClass) {

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException naming the field and the accepted values
     */
    public ImageFolderConfig {
        path = path == null ? "" : path;
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("image-folder: 'channels' must be 1 or 3, was " + channels);
        }
        if (height < 0 || width < 0 || height > 8192 || width > 8192) {
            throw new IllegalArgumentException("image-folder: 'height' and 'width' must be in [0, 8192], were "
                    + height + " and " + width);
        }
        if ((height == 0) != (width == 0)) {
            throw new IllegalArgumentException("image-folder: set both 'height' and 'width' to resize, or both to 0 "
                    + "to keep the files' size; were " + height + " and " + width);
        }
        if (limitPerClass < 0) {
            throw new IllegalArgumentException("image-folder: 'limitPerClass' must be >= 0 (0 = all), was "
                    + limitPerClass);
        }
    }

    /**
     * The defaults: RGB, no resize, no limit, and no path (an experiment must give one).
     *
     * @return the defaults
     */
    public static ImageFolderConfig defaults() {
        return new ImageFolderConfig("", 3, 0, 0, 0);
    }

    /**
     * The defaults with a path.
     *
     * @param path the folder or zip
     * @return the configuration
     */
    public static ImageFolderConfig of(String path) {
        return new ImageFolderConfig(path, 3, 0, 0, 0);
    }
}
