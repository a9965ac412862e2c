package org.mimicit.common.image;

import static org.mimicit.common.error.Preconditions.checkArgument;

import java.util.List;

/**
 * The format and pixel size of an image, as read from its header by {@link ImageHeaders#read}.
 *
 * @param format one of {@link #FORMATS}, lower case
 * @param width width in pixels, at least 1
 * @param height height in pixels, at least 1 (the absolute value for top-down BMPs)
 */
public record ImageInfo(String format, int width, int height) {
  /** JPEG (JFIF, Exif), baseline, progressive or lossless. */
  public static final String JPEG = "jpeg";

  /** PNG. */
  public static final String PNG = "png";

  /** GIF87a or GIF89a. */
  public static final String GIF = "gif";

  /** WebP: lossy, lossless or extended. */
  public static final String WEBP = "webp";

  /** Windows or OS/2 bitmap. */
  public static final String BMP = "bmp";

  /** The formats {@link ImageHeaders} recognises, in the order it tries them. */
  public static final List<String> FORMATS = List.of(JPEG, PNG, GIF, WEBP, BMP);

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if the format is not one of {@link #FORMATS} or a size is not
   *     positive
   */
  public ImageInfo {
    checkArgument(
        format != null && FORMATS.contains(format),
        "Invalid image format %s: must be one of %s",
        format,
        FORMATS);
    checkArgument(
        width > 0 && height > 0,
        "Invalid image size %sx%s: width and height must be positive",
        width,
        height);
  }

  /**
   * The usual file name extension of this format, as {@link ImageHeaders#extension}.
   *
   * @return {@code jpg} for jpeg, the format itself for the others
   */
  public String extension() {
    return ImageHeaders.extension(format);
  }
}
