package org.mimicit.common.media;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;
import com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes any image ImageIO can read, with the TwelveMonkeys JPEG and WebP readers registered
 * explicitly: CMYK, YCCK and progressive JPEG with or without ICC profiles, WebP, and the JDK's PNG
 * (16-bit, palette, gray, alpha), GIF and BMP. ImageIO registers plugins from the class path of the
 * class loader that first touches it, which on a Spark executor is not the one that holds the job's
 * jar; registering here makes the readers present wherever this class is loaded.
 */
final class ImageIoDecoder {
  static {
    IIORegistry registry = IIORegistry.getDefaultInstance();
    registry.registerServiceProvider(new JPEGImageReaderSpi()); // ordered before the JDK's own
    registry.registerServiceProvider(new WebPImageReaderSpi());
    ImageIO.setUseCache(false); // decode in memory, no temporary files
  }

  private ImageIoDecoder() {}

  /** The name of the reader ImageIO picks for {@code data}, for tests and logs. */
  static String readerFor(byte[] data) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      return readers.hasNext() ? readers.next().getClass().getName() : null;
    }
  }

  /**
   * Decodes {@code data} of the given format (for messages) to RGB; alpha is dropped, as Pillow's
   * {@code convert("RGB")} does.
   *
   * @throws MediaException with the reader's message when it cannot be decoded
   */
  static RgbImage decode(byte[] data, String format) throws MediaException {
    BufferedImage image;
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new MediaException("%s: no image reader for this file", format);
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        image = reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      throw new MediaException(
          "%s: %s", format, e.getMessage() == null ? e.toString() : e.getMessage());
    }
    return toRgb(image);
  }

  static RgbImage toRgb(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    byte[] rgb = new byte[3 * w * h];
    if (image.getType() == BufferedImage.TYPE_3BYTE_BGR
        && image.getRaster().getDataBuffer() instanceof DataBufferByte buffer
        && buffer.getData().length == rgb.length) {
      byte[] bgr = buffer.getData();
      for (int i = 0; i < rgb.length; i += 3) {
        rgb[i] = bgr[i + 2];
        rgb[i + 1] = bgr[i + 1];
        rgb[i + 2] = bgr[i];
      }
    } else {
      int[] row = new int[w];
      for (int y = 0, o = 0; y < h; y++) {
        image.getRGB(0, y, w, 1, row, 0, w);
        for (int x = 0; x < w; x++, o += 3) {
          int p = row[x];
          rgb[o] = (byte) (p >> 16);
          rgb[o + 1] = (byte) (p >> 8);
          rgb[o + 2] = (byte) p;
        }
      }
    }
    return new RgbImage(w, h, rgb);
  }
}
