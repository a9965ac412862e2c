package org.mimicit.common.media;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Encodes 8-bit RGB as PNG the way Pillow saves an RGB image: one IDAT stream, and per row the
 * filter (none, sub, up, average, Paeth) whose output has the smallest sum of absolute values. No
 * ancillary chunks, so the same pixels give the same bytes. One instance per thread: it keeps its
 * deflater and buffers.
 *
 * <p>zlib runs at level 4 with the {@code Z_FILTERED} strategy (libpng's choice for filtered rows)
 * rather than Pillow's level 6 default strategy: on 224x224 photographs the files are the same size
 * as Pillow's (about 1% smaller on the benchmark's photos) for a fifth of the deflate time, which
 * at level 6 cost more than decoding the source JPEG.
 */
public final class PngEncoder {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  private static final int LEVEL = 4;
  private final Deflater deflater = newDeflater();
  private final CRC32 crc = new CRC32();
  private byte[] filtered = new byte[0];
  private byte[] compressed = new byte[0];

  private static Deflater newDeflater() {
    Deflater d = new Deflater(LEVEL);
    d.setStrategy(Deflater.FILTERED);
    return d;
  }

  /** The PNG file of {@code image}. */
  public byte[] encode(RgbImage image) {
    int stride = 3 * image.width();
    int rawSize = (stride + 1) * image.height();
    if (filtered.length < rawSize) {
      filtered = new byte[rawSize];
      compressed = new byte[rawSize + rawSize / 100 + 64];
    }
    byte[] rgb = image.rgb();
    byte[][] candidates = new byte[5][stride];
    for (int y = 0; y < image.height(); y++) {
      int row = y * stride;
      int best = 0;
      long bestSum = Long.MAX_VALUE;
      for (int f = 0; f < 5; f++) {
        long sum = filter(f, rgb, row, y == 0 ? -1 : row - stride, stride, candidates[f]);
        if (sum < bestSum) {
          bestSum = sum;
          best = f;
        }
      }
      int o = y * (stride + 1);
      filtered[o] = (byte) best;
      System.arraycopy(candidates[best], 0, filtered, o + 1, stride);
    }
    deflater.reset();
    deflater.setInput(filtered, 0, rawSize);
    deflater.finish();
    ByteArrayOutputStream idat = new ByteArrayOutputStream(rawSize / 2);
    while (!deflater.finished()) {
      int n = deflater.deflate(compressed);
      idat.write(compressed, 0, n);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(idat.size() + 64);
    out.writeBytes(SIGNATURE);
    ByteBuffer ihdr =
        ByteBuffer.allocate(13)
            .putInt(image.width())
            .putInt(image.height())
            .put((byte) 8)
            .put((byte) 2)
            .put((byte) 0)
            .put((byte) 0)
            .put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    chunk(out, "IDAT", idat.toByteArray());
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  /** Writes filter f of one row into out; returns the sum of absolute values (as signed bytes). */
  private static long filter(int f, byte[] rgb, int row, int prev, int stride, byte[] out) {
    long sum = 0;
    for (int i = 0; i < stride; i++) {
      int x = rgb[row + i] & 0xFF;
      int a = i >= 3 ? rgb[row + i - 3] & 0xFF : 0;
      int b = prev >= 0 ? rgb[prev + i] & 0xFF : 0;
      int c = i >= 3 && prev >= 0 ? rgb[prev + i - 3] & 0xFF : 0;
      int v =
          switch (f) {
            case 0 -> x;
            case 1 -> x - a;
            case 2 -> x - b;
            case 3 -> x - ((a + b) >> 1);
            default -> x - paeth(a, b, c);
          };
      out[i] = (byte) v;
      sum += Math.abs((byte) v);
    }
    return sum;
  }

  private static int paeth(int a, int b, int c) {
    int p = a + b - c;
    int pa = Math.abs(p - a);
    int pb = Math.abs(p - b);
    int pc = Math.abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  }

  private void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(name);
    out.writeBytes(data);
    crc.reset();
    crc.update(name);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
