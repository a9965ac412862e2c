package org.mimicit.common.image;

/**
 * The first {@code length} bytes of an image, read with bounds checks: a read past the end fails as
 * a truncated header of the named format, never with an index exception.
 */
final class HeaderBytes {
  private final byte[] data;
  final int length;
  final String name;

  HeaderBytes(byte[] data, int length, String name) {
    this.data = data;
    this.length = length;
    this.name = name;
  }

  /** Fails as truncated unless the first end bytes are there. */
  void need(int end) throws UnreadableImageException {
    if (end > length) {
      throw UnreadableImageException.invalid(
          "truncated %s: header needs %d bytes, got %d", name, end, length);
    }
  }

  int u8(int pos) throws UnreadableImageException {
    need(pos + 1);
    return data[pos] & 0xFF;
  }

  int u16be(int pos) throws UnreadableImageException {
    return u8(pos) << 8 | u8(pos + 1);
  }

  int u16le(int pos) throws UnreadableImageException {
    return u8(pos) | u8(pos + 1) << 8;
  }

  int u24le(int pos) throws UnreadableImageException {
    return u16le(pos) | u8(pos + 2) << 16;
  }

  int i32le(int pos) throws UnreadableImageException {
    return u24le(pos) | u8(pos + 3) << 24;
  }

  long u32le(int pos) throws UnreadableImageException {
    return i32le(pos) & 0xFFFF_FFFFL;
  }

  long u32be(int pos) throws UnreadableImageException {
    return ((long) u16be(pos) << 16 | u16be(pos + 2)) & 0xFFFF_FFFFL;
  }

  /** Lower-case hex of count bytes from pos, space separated: {@code 9d 01 2a}. */
  String hex(int pos, int count) throws UnreadableImageException {
    need(pos + count);
    return ImageHeaders.hex(data, pos, count);
  }

  /** A chunk type, printable ASCII kept, other bytes as {@code \xNN}. */
  String fourcc(int pos) throws UnreadableImageException {
    StringBuilder sb = new StringBuilder(4);
    for (int i = pos; i < pos + 4; i++) {
      int b = u8(i);
      if (b >= 0x20 && b < 0x7F) {
        sb.append((char) b);
      } else {
        sb.append(String.format("\\x%02x", b));
      }
    }
    return sb.toString();
  }
}
