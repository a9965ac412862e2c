package org.mimicit.common.image;

/**
 * The bytes given to {@link ImageHeaders#read} are not a readable image. The message is a short,
 * human-readable detail meant for a rejection record, such as {@code not an image: first bytes 48
 * 65 6c 6c} or {@code truncated JPEG: no SOF marker before end of data (1234 bytes)}.
 *
 * <p>{@link #recognised()} tells the two kinds apart: the magic bytes of a known format matched but
 * the header is truncated or invalid, or the bytes are not an image at all.
 */
public final class UnreadableImageException extends Exception {
  private final boolean recognised;

  private UnreadableImageException(String detail, boolean recognised) {
    // Rejections are expected data, possibly one per row, and always thrown from ImageHeaders:
    // a stack trace would cost time and say nothing.
    super(detail, null, false, false);
    this.recognised = recognised;
  }

  /** The bytes do not start with the magic of any known format. */
  static UnreadableImageException notAnImage(String detail) {
    return new UnreadableImageException("not an image: " + detail, false);
  }

  /** The magic of a known format matched, but its header is truncated or invalid. */
  static UnreadableImageException invalid(String format, Object... args) {
    return new UnreadableImageException(String.format(format, args), true);
  }

  /**
   * Whether the magic bytes matched a known format.
   *
   * @return true when the bytes look like a JPEG, PNG, GIF, WebP or BMP whose header is truncated
   *     or invalid; false when they are not an image at all
   */
  public boolean recognised() {
    return recognised;
  }
}
