package dev.perennial.api.data;

import dev.perennial.spi.DatasetException;
import dev.perennial.spi.Feature;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes JPEG and PNG bytes into a C×H×W float image in [0, 1], optionally resized.
 *
 * <p>Stateless and safe to call from several threads. Reads go through a {@link MemoryCacheImageInputStream}
 * so that ImageIO never writes a temporary cache file, whatever the global {@code ImageIO.setUseCache} says.
 */
final class ImageDecoder {
    private final int channels;
    private final int height;
    private final int width;

    /**
     * @param channels 1 (grey) or 3 (RGB)
     * @param height the output height, or 0 to keep the file's
     * @param width the output width, or 0 to keep the file's
     */
    ImageDecoder(int channels, int height, int width) {
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    /**
     * Decodes one file.
     *
     * @param bytes the file's bytes
     * @param where the file's path, for messages
     * @return the image, {@code channels × H × W}
     * @throws DatasetException naming {@code where} when the bytes are not a readable JPEG or PNG
     */
    Feature.Floats decode(byte[] bytes, String where) {
        BufferedImage image;
        try {
            // ImageIO.read closes the stream itself; an in-memory stream holds nothing else to release.
            ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes));
            image = ImageIO.read(in);
        } catch (IOException | RuntimeException e) {
            throw new DatasetException("cannot decode image " + where + ": " + e.getMessage()
                    + " (accepted: JPEG or PNG)", e);
        }
        if (image == null) {
            throw new DatasetException("cannot decode image " + where + ": not a JPEG or PNG file ("
                    + bytes.length + " bytes)");
        }
        if (height > 0 && (image.getHeight() != height || image.getWidth() != width)) {
            image = resize(image, height, width);
        }
        return toFloats(image);
    }

    private static BufferedImage resize(BufferedImage source, int h, int w) {
        boolean grey = source.getType() == BufferedImage.TYPE_BYTE_GRAY;
        BufferedImage out = new BufferedImage(w, h, grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(source, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private Feature.Floats toFloats(BufferedImage image) {
        int h = image.getHeight();
        int w = image.getWidth();
        int plane = h * w;
        float[] out = new float[channels * plane];
        int type = image.getType();
        if (type == BufferedImage.TYPE_BYTE_GRAY || type == BufferedImage.TYPE_USHORT_GRAY) {
            // Read grey samples from the raster: getRGB would pass them through a linear-to-sRGB conversion
            // and change their values.
            Raster raster = image.getRaster();
            float max = type == BufferedImage.TYPE_BYTE_GRAY ? 255f : 65535f;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = raster.getSample(x, y, 0) / max;
                    for (int c = 0; c < channels; c++) {
                        out[c * plane + y * w + x] = v;
                    }
                }
            }
        } else {
            // getRGB converts any colour model (indexed, RGB, ARGB) to sRGB; an alpha channel is dropped.
            int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0; i < plane; i++) {
                float r = ((rgb[i] >> 16) & 0xFF) / 255f;
                float g = ((rgb[i] >> 8) & 0xFF) / 255f;
                float b = (rgb[i] & 0xFF) / 255f;
                if (channels == 3) {
                    out[i] = r;
                    out[plane + i] = g;
                    out[2 * plane + i] = b;
                } else {
                    // ITU-R BT.601 luma, the weights PIL's convert("L") uses.
                    out[i] = 0.299f * r + 0.587f * g + 0.114f * b;
                }
            }
        }
        return new Feature.Floats(out, new long[] {channels, h, w});
    }
}
