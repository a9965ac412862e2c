package org.mimicit.common.media;

import static org.mimicit.common.error.Preconditions.checkArgument;

/**
 * Decoded pixels, 8-bit RGB, packed row by row without padding ({@code 3 * width} bytes a row).
 *
 * @param width width in pixels, at least 1
 * @param height height in pixels, at least 1
 * @param rgb {@code 3 * width * height} bytes: R, G, B of each pixel
 */
public record RgbImage(int width, int height, byte[] rgb) {
  public RgbImage {
    checkArgument(
        width > 0 && height > 0,
        "Invalid image size %sx%s: width and height must be positive",
        width,
        height);
    checkArgument(
        rgb != null && rgb.length == 3 * width * height,
        "Invalid RGB buffer for %sx%s: %s bytes, expected %s",
        width,
        height,
        rgb == null ? null : rgb.length,
        3 * width * height);
  }
}
