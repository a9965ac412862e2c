package org.mimicit.common.image;

import static org.mimicit.common.error.Preconditions.checkArgument;
import static org.mimicit.common.image.ImageInfo.BMP;
import static org.mimicit.common.image.ImageInfo.GIF;
import static org.mimicit.common.image.ImageInfo.JPEG;
import static org.mimicit.common.image.ImageInfo.PNG;
import static org.mimicit.common.image.ImageInfo.WEBP;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Reads the format and pixel size of JPEG, PNG, GIF, WebP and BMP images from their headers,
 * without decoding any pixels and with the JDK only.
 *
 * <p>The format comes from the magic bytes, never from a file name. Every read is bounds-checked
 * against the given length: truncated, corrupt or foreign bytes end in {@link
 * UnreadableImageException}, never in another exception.
 *
 * <p>Over 300 lines on purpose: one short section per format (JPEG's marker walk, PNG, GIF, WebP's
 * three chunk kinds, BMP), each next to the rule {@link #read(byte[], int)} documents for it, all
 * over the same bounds-checked {@link HeaderBytes}. Five one-method classes would only scatter
 * them.
 */
public final class ImageHeaders {
  private static final byte[] JPEG_SOI = {(byte) 0xFF, (byte) 0xD8};
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  private static final byte[] GIF87A = ascii("GIF87a");
  private static final byte[] GIF89A = ascii("GIF89a");
  private static final byte[] RIFF = ascii("RIFF");
  private static final byte[] WEBP_TAG = ascii("WEBP");
  private static final byte[] BMP_TAG = ascii("BM");

  /** DIB header sizes with BITMAPINFOHEADER's 32-bit width and height (16 and 64: OS/2 2.x). */
  private static final Set<Long> BMP_INFO_HEADER_SIZES =
      Set.of(16L, 40L, 52L, 56L, 64L, 108L, 124L);

  private static final int BMP_CORE_HEADER_SIZE = 12;
  private static final int HEX_PREFIX_BYTES = 8;

  private ImageHeaders() {}

  /**
   * Same as {@link #read(byte[], int)} over the whole array.
   *
   * @param data the image bytes
   * @return the format, width and height, both at least 1
   * @throws UnreadableImageException as {@link #read(byte[], int)}
   * @throws IllegalArgumentException if data is null
   */
  public static ImageInfo read(byte[] data) throws UnreadableImageException {
    checkArgument(data != null, "Cannot read an image header: data is null");
    return read(data, data.length);
  }

  /**
   * Detects the format of {@code data[0..length)} from its magic bytes and reads the width and
   * height from its header. Bytes at and after {@code length} are never read.
   *
   * <ul>
   *   <li>JPEG: the marker segments from SOI are walked (APPn, COM and other segments of any size
   *       are skipped, as are fill bytes and standalone markers) up to the first SOF0..SOF15 other
   *       than DHT, JPG and DAC; baseline, progressive and lossless frames alike.
   *   <li>PNG: the signature and the IHDR chunk, which must come first.
   *   <li>GIF: the GIF87a or GIF89a logical screen size.
   *   <li>WebP: the first chunk of a RIFF WEBP file, VP8 (lossy), VP8L (lossless) or VP8X (extended
   *       canvas size).
   *   <li>BMP: BITMAPINFOHEADER and its later versions (a negative, top-down height is reported as
   *       its absolute value) and the old 12-byte BITMAPCOREHEADER.
   * </ul>
   *
   * <p>A format is recognised only once its whole magic is there: FF D8 (JPEG), the 8-byte PNG
   * signature, {@code GIF87a} or {@code GIF89a}, {@code RIFF} and {@code WEBP} at 8, {@code BM}.
   *
   * @param data the image bytes
   * @param length how many bytes of data to look at, from 0 to {@code data.length}
   * @return the format, width and height, both at least 1
   * @throws UnreadableImageException if the bytes are not a known format ({@link
   *     UnreadableImageException#recognised()} false) or the header is truncated, invalid or gives
   *     a zero or out-of-range size (recognised true)
   * @throws IllegalArgumentException if data is null or length is out of range
   */
  public static ImageInfo read(byte[] data, int length) throws UnreadableImageException {
    checkArgument(data != null, "Cannot read an image header: data is null");
    checkArgument(
        length >= 0 && length <= data.length,
        "Invalid length %s: must be between 0 and the data length %s",
        length,
        data.length);
    if (startsWith(data, length, 0, JPEG_SOI)) {
      return readJpeg(new HeaderBytes(data, length, "JPEG"));
    } else if (startsWith(data, length, 0, PNG_SIGNATURE)) {
      return readPng(new HeaderBytes(data, length, "PNG"));
    } else if (startsWith(data, length, 0, GIF87A) || startsWith(data, length, 0, GIF89A)) {
      return readGif(new HeaderBytes(data, length, "GIF"));
    } else if (startsWith(data, length, 0, RIFF) && startsWith(data, length, 8, WEBP_TAG)) {
      return readWebp(new HeaderBytes(data, length, "WebP"));
    } else if (startsWith(data, length, 0, BMP_TAG)) {
      return readBmp(new HeaderBytes(data, length, "BMP"));
    }
    throw UnreadableImageException.notAnImage(
        length == 0
            ? "empty data"
            : "first bytes " + hex(data, 0, Math.min(length, HEX_PREFIX_BYTES)));
  }

  /**
   * The usual file name extension of a format, without the dot: {@code jpg} for {@code jpeg}, the
   * format itself for the others.
   *
   * @param format one of {@link ImageInfo#FORMATS}
   * @return the extension, lower case
   * @throws IllegalArgumentException if the format is not one of {@link ImageInfo#FORMATS}
   */
  public static String extension(String format) {
    checkArgument(
        format != null && ImageInfo.FORMATS.contains(format),
        "Invalid image format %s: must be one of %s",
        format,
        ImageInfo.FORMATS);
    return JPEG.equals(format) ? "jpg" : format;
  }

  private static ImageInfo readJpeg(HeaderBytes h) throws UnreadableImageException {
    int pos = JPEG_SOI.length;
    while (true) {
      pos = skipToMarker(h, pos);
      if (pos >= h.length) {
        throw noSofMarker(h);
      }
      int marker = h.u8(pos++);
      if (isJpegSof(marker)) {
        return readJpegSof(h, marker, pos);
      } else if (marker == 0xD9 || marker == 0xDA) {
        throw UnreadableImageException.invalid(
            "JPEG: %s marker at offset %d before any SOF marker",
            marker == 0xD9 ? "EOI" : "SOS", pos - 2);
      } else if (isJpegStandalone(marker)) {
        continue;
      }
      if (h.length - pos < 2) {
        throw noSofMarker(h);
      }
      int segmentLength = h.u16be(pos);
      if (segmentLength < 2) {
        throw UnreadableImageException.invalid(
            "JPEG: segment length %d of marker 0x%02x at offset %d is less than 2",
            segmentLength, marker, pos - 2);
      }
      if (segmentLength > h.length - pos) {
        throw noSofMarker(h);
      }
      pos += segmentLength;
    }
  }

  /** The position of the next marker code from pos on, or h.length if there is none. */
  private static int skipToMarker(HeaderBytes h, int pos) throws UnreadableImageException {
    // Like libjpeg and Pillow, skip stray bytes between segments, then any 0xFF fill bytes.
    while (pos < h.length && h.u8(pos) != 0xFF) {
      pos++;
    }
    while (pos < h.length && h.u8(pos) == 0xFF) {
      pos++;
    }
    return pos;
  }

  /** SOF0..SOF15 other than DHT (C4), JPG (C8) and DAC (CC). */
  private static boolean isJpegSof(int marker) {
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
  }

  /** Markers without a length: TEM, RST0..RST7, SOI, and 0x00 (a stuffed byte, stray here). */
  private static boolean isJpegStandalone(int marker) {
    return marker == 0x00 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8);
  }

  /** Reads a SOF segment whose length field starts at pos. */
  private static ImageInfo readJpegSof(HeaderBytes h, int marker, int pos)
      throws UnreadableImageException {
    int sof = marker - 0xC0;
    // Length (2 bytes), sample precision (1), height (2), width (2).
    if (h.length - pos < 7) {
      throw UnreadableImageException.invalid(
          "truncated JPEG: SOF%d segment at offset %d cut off at end of data (%d bytes)",
          sof, pos - 2, h.length);
    }
    int segmentLength = h.u16be(pos);
    if (segmentLength < 8) {
      throw UnreadableImageException.invalid(
          "JPEG: SOF%d segment length %d at offset %d is less than 8", sof, segmentLength, pos - 2);
    }
    return info(h, JPEG, h.u16be(pos + 5), h.u16be(pos + 3));
  }

  private static UnreadableImageException noSofMarker(HeaderBytes h) {
    return UnreadableImageException.invalid(
        "truncated JPEG: no SOF marker before end of data (%d bytes)", h.length);
  }

  private static ImageInfo readPng(HeaderBytes h) throws UnreadableImageException {
    h.need(24);
    String chunk = h.fourcc(12);
    if (!"IHDR".equals(chunk)) {
      throw UnreadableImageException.invalid("PNG: first chunk is '%s', expected 'IHDR'", chunk);
    }
    long chunkLength = h.u32be(8);
    if (chunkLength != 13) {
      throw UnreadableImageException.invalid(
          "PNG: IHDR chunk length is %d, expected 13", chunkLength);
    }
    return info(h, PNG, h.u32be(16), h.u32be(20));
  }

  private static ImageInfo readGif(HeaderBytes h) throws UnreadableImageException {
    h.need(10);
    return info(h, GIF, h.u16le(6), h.u16le(8));
  }

  private static ImageInfo readWebp(HeaderBytes h) throws UnreadableImageException {
    h.need(16);
    String chunk = h.fourcc(12);
    switch (chunk) {
      case "VP8 ":
        return readWebpLossy(h);
      case "VP8L":
        return readWebpLossless(h);
      case "VP8X":
        h.need(30);
        return info(h, WEBP, h.u24le(24) + 1, h.u24le(27) + 1);
      default:
        throw UnreadableImageException.invalid(
            "WebP: first chunk is '%s', expected 'VP8 ', 'VP8L' or 'VP8X'", chunk);
    }
  }

  /** VP8 chunk data at 20: 3-byte frame tag, start code 9d 01 2a, then 14-bit sizes. */
  private static ImageInfo readWebpLossy(HeaderBytes h) throws UnreadableImageException {
    h.need(30);
    if ((h.u8(20) & 1) != 0) {
      throw UnreadableImageException.invalid("WebP: VP8 frame is not a key frame");
    }
    if (h.u8(23) != 0x9D || h.u8(24) != 0x01 || h.u8(25) != 0x2A) {
      throw UnreadableImageException.invalid(
          "WebP: VP8 start code is %s, expected 9d 01 2a", h.hex(23, 3));
    }
    // The top two bits of each size are an upscaling hint, not part of the size.
    return info(h, WEBP, h.u16le(26) & 0x3FFF, h.u16le(28) & 0x3FFF);
  }

  /** VP8L chunk data at 20: signature 0x2f, then 14-bit width-1 and height-1, alpha, version. */
  private static ImageInfo readWebpLossless(HeaderBytes h) throws UnreadableImageException {
    h.need(25);
    if (h.u8(20) != 0x2F) {
      throw UnreadableImageException.invalid(
          "WebP: VP8L signature is 0x%02x, expected 0x2f", h.u8(20));
    }
    long bits = h.u32le(21);
    long version = bits >>> 29;
    if (version != 0) {
      throw UnreadableImageException.invalid("WebP: VP8L version is %d, expected 0", version);
    }
    return info(h, WEBP, (bits & 0x3FFF) + 1, ((bits >>> 14) & 0x3FFF) + 1);
  }

  /** File header (14 bytes, "BM" first), then the DIB header whose own size comes first. */
  private static ImageInfo readBmp(HeaderBytes h) throws UnreadableImageException {
    h.need(18);
    long dibSize = h.u32le(14);
    if (dibSize == BMP_CORE_HEADER_SIZE) {
      h.need(22);
      return info(h, BMP, h.u16le(18), h.u16le(20));
    } else if (BMP_INFO_HEADER_SIZES.contains(dibSize)) {
      h.need(26);
      // A negative height means rows are stored top-down.
      return info(h, BMP, h.i32le(18), Math.abs((long) h.i32le(22)));
    }
    throw UnreadableImageException.invalid("BMP: unsupported DIB header size %d", dibSize);
  }

  private static ImageInfo info(HeaderBytes h, String format, long width, long height)
      throws UnreadableImageException {
    if (width == 0 || height == 0) {
      throw UnreadableImageException.invalid(
          "zero width or height %dx%d in %s header", width, height, h.name);
    }
    if (width < 0 || height < 0 || width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
      throw UnreadableImageException.invalid(
          "width or height out of range %dx%d in %s header", width, height, h.name);
    }
    return new ImageInfo(format, (int) width, (int) height);
  }

  private static boolean startsWith(byte[] data, int length, int offset, byte[] magic) {
    if (offset + magic.length > length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if (data[offset + i] != magic[i]) {
        return false;
      }
    }
    return true;
  }

  /** Lower-case hex of data[offset..offset+count), space separated: {@code 48 65 6c 6c}. */
  static String hex(byte[] data, int offset, int count) {
    StringBuilder sb = new StringBuilder(count * 3);
    for (int i = offset; i < offset + count; i++) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(String.format("%02x", data[i] & 0xFF));
    }
    return sb.toString();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
