package org.mimicit.common.media;

import static org.mimicit.common.error.Preconditions.checkArgument;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * What is done to each image or video frame before it is stored: by default what the MIMIC-IT
 * release did (Lanczos resize to 224x224, aspect ratio not kept, RGB, PNG).
 *
 * @param width target width in pixels (the box width with {@code keepAspect})
 * @param height target height in pixels (the box height with {@code keepAspect})
 * @param keepAspect fit inside {@code width x height} keeping the aspect ratio instead of
 *     stretching to it
 * @param format {@code png} or {@code jpeg}
 * @param quality JPEG quality, 1 to 100 (not used for PNG)
 * @param keepOriginal store image files' bytes untouched (no decode, no resize); video frames,
 *     which have no file of their own, are then stored at their full size in {@code format}
 */
public record Processing(
    int width, int height, boolean keepAspect, String format, int quality, boolean keepOriginal)
    implements Serializable {
  public static final String PNG = "png";
  public static final String JPEG = "jpeg";
  public static final List<String> FORMATS = List.of(PNG, JPEG);

  public Processing {
    checkArgument(
        width > 0 && height > 0 && width <= 16384 && height <= 16384,
        "Cannot set --resize to %sx%s: width and height must be between 1 and 16384.",
        width,
        height);
    checkArgument(
        FORMATS.contains(format),
        "Cannot set --format to %s: the value must be one of %s.",
        format,
        FORMATS);
    checkArgument(
        quality >= 1 && quality <= 100,
        "Cannot set --quality to %s: the value must be between 1 and 100.",
        quality);
  }

  /** The release's processing: 224x224 Lanczos, RGB, PNG. */
  public static Processing defaults() {
    return new Processing(224, 224, false, PNG, 95, false);
  }

  /** Parses {@code WxH}, e.g. {@code 224x224}. */
  public static int[] parseSize(String size) {
    String[] parts = size == null ? new String[0] : size.toLowerCase(Locale.ROOT).split("x", -1);
    checkArgument(
        parts.length == 2 && parts[0].matches("\\d{1,5}") && parts[1].matches("\\d{1,5}"),
        "Cannot set --resize to %s: the value must be WIDTHxHEIGHT, e.g. 224x224.",
        size);
    return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
  }

  /** The size an image of {@code srcWidth x srcHeight} is resized to. */
  public int[] targetSize(int srcWidth, int srcHeight) {
    if (!keepAspect) {
      return new int[] {width, height};
    }
    double scale = Math.min((double) width / srcWidth, (double) height / srcHeight);
    return new int[] {
      Math.max(1, (int) Math.round(srcWidth * scale)),
      Math.max(1, (int) Math.round(srcHeight * scale))
    };
  }
}
