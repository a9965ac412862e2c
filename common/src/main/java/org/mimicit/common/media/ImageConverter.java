package org.mimicit.common.media;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.mimicit.common.image.ImageHeaders;
import org.mimicit.common.image.ImageInfo;
import org.mimicit.common.image.UnreadableImageException;

/**
 * Turns source image files and decoded video frames into stored images according to a {@link
 * Processing}: decode (JPEGs in YCbCr or gray through FFmpeg, reduced in the DCT to no less than
 * twice the target size; everything else through ImageIO), Lanczos resize, encode as PNG or JPEG,
 * SHA-256. Holds native decoder contexts and encoder buffers: one instance per Spark task, closed
 * at its end; not thread-safe.
 */
public final class ImageConverter implements AutoCloseable {
  private final Processing processing;
  private final PngEncoder png = new PngEncoder();
  private final MessageDigest sha256;
  private FfmpegJpegDecoder jpeg;
  private ImageWriter jpegWriter;

  public ImageConverter(Processing processing) {
    this.processing = processing;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * Converts the bytes of one image file.
   *
   * @throws MediaException when the bytes are not an image of a known format or cannot be decoded
   *     (the message says why, for the rejected row)
   */
  public ConvertedImage convertFile(byte[] data) throws MediaException {
    ImageInfo info;
    try {
      info = ImageHeaders.read(data);
    } catch (UnreadableImageException e) {
      throw new MediaException(e.getMessage());
    }
    if (processing.keepOriginal()) {
      return new ConvertedImage(info.format(), info.width(), info.height(), hex(data), data);
    }
    int[] target = processing.targetSize(info.width(), info.height());
    RgbImage decoded = null;
    if (ImageInfo.JPEG.equals(info.format())) {
      if (jpeg == null) {
        jpeg = new FfmpegJpegDecoder();
      }
      try {
        decoded = jpeg.decode(data, lowres(info.width(), info.height(), target));
      } catch (MediaException e) {
        decoded = null; // ImageIO has the last word, and the message
      }
    }
    if (decoded == null) {
      decoded = ImageIoDecoder.decode(data, info.format());
    }
    return encode(LanczosResampler.resize(decoded, target[0], target[1]));
  }

  /** Converts one decoded video frame (resized unless {@code keepOriginal}). */
  public ConvertedImage convertFrame(RgbImage frame) {
    if (processing.keepOriginal()) {
      return encode(frame);
    }
    int[] target = processing.targetSize(frame.width(), frame.height());
    return encode(LanczosResampler.resize(frame, target[0], target[1]));
  }

  /**
   * The largest DCT reduction (0 to 3: 1, 1/2, 1/4, 1/8) that still leaves at least twice the
   * target size in both directions, so the Lanczos filter that follows has the detail it needs.
   */
  static int lowres(int width, int height, int[] target) {
    int level = 0;
    while (level < FfmpegJpegDecoder.MAX_LOWRES
        && ceilShift(width, level + 1) >= 2 * target[0]
        && ceilShift(height, level + 1) >= 2 * target[1]) {
      level++;
    }
    return level;
  }

  private static int ceilShift(int size, int shift) {
    return -((-size) >> shift);
  }

  private ConvertedImage encode(RgbImage image) {
    byte[] bytes =
        Processing.PNG.equals(processing.format()) ? png.encode(image) : encodeJpeg(image);
    return new ConvertedImage(
        processing.format(), image.width(), image.height(), hex(bytes), bytes);
  }

  private byte[] encodeJpeg(RgbImage image) {
    BufferedImage bgr =
        new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
    byte[] out = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
    byte[] rgb = image.rgb();
    for (int i = 0; i < rgb.length; i += 3) {
      out[i] = rgb[i + 2];
      out[i + 1] = rgb[i + 1];
      out[i + 2] = rgb[i];
    }
    if (jpegWriter == null) {
      jpegWriter = ImageIO.getImageWritersByFormatName("jpeg").next();
    }
    ImageWriteParam param = jpegWriter.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(processing.quality() / 100f);
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(image.rgb().length / 8);
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(buffer)) {
      jpegWriter.setOutput(stream);
      jpegWriter.write(null, new IIOImage(bgr, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode a JPEG in memory", e);
    }
    return buffer.toByteArray();
  }

  private String hex(byte[] data) {
    return HexFormat.of().formatHex(sha256.digest(data));
  }

  @Override
  public void close() {
    if (jpeg != null) {
      jpeg.close();
      jpeg = null;
    }
    if (jpegWriter != null) {
      jpegWriter.dispose();
      jpegWriter = null;
    }
  }
}
