package org.mimicit.common.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngEncoderTest {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

  /** A PNG chunk as read back: type, data, and whether its CRC is right. */
  private record Chunk(String type, byte[] data, boolean crcMatches) {}

  @Test
  void decodesToTheSamePixelsAtEverySize() throws IOException {
    // one encoder for all: it keeps its buffers from a larger image for smaller ones
    PngEncoder encoder = new PngEncoder();
    int[][] sizes = {
      {224, 224}, {1, 1}, {2, 2}, {3, 1}, {1, 7}, {5, 3}, {17, 9}, {31, 64}, {301, 97}, {4, 4}
    };
    for (int[] size : sizes) {
      RgbImage image = randomImage(size[0], size[1], size[0] * 1000L + size[1]);

      byte[] png = encoder.encode(image);

      assertThat(pixelsOf(ImageIO.read(new ByteArrayInputStream(png))))
          .as("%sx%s", size[0], size[1])
          .isEqualTo(image.rgb());
    }
  }

  @Test
  void writesSignatureAndEightBitRgbHeaderAndNoOtherChunks() {
    byte[] png = new PngEncoder().encode(randomImage(301, 97, 5));

    assertThat(Arrays.copyOf(png, 8)).isEqualTo(SIGNATURE);
    List<Chunk> chunks = chunks(png);
    assertThat(chunks).extracting(Chunk::type).containsExactly("IHDR", "IDAT", "IEND");
    assertThat(chunks).extracting(Chunk::crcMatches).containsOnly(true);
    ByteBuffer ihdr = ByteBuffer.wrap(chunks.get(0).data());
    assertThat(ihdr.remaining()).isEqualTo(13);
    assertThat(ihdr.getInt()).as("width").isEqualTo(301);
    assertThat(ihdr.getInt()).as("height").isEqualTo(97);
    assertThat(ihdr.get()).as("bit depth").isEqualTo((byte) 8);
    assertThat(ihdr.get()).as("colour type (truecolour)").isEqualTo((byte) 2);
    assertThat(ihdr.get()).as("compression").isEqualTo((byte) 0);
    assertThat(ihdr.get()).as("filter method").isEqualTo((byte) 0);
    assertThat(ihdr.get()).as("interlace").isEqualTo((byte) 0);
    assertThat(chunks.get(2).data()).isEmpty();
  }

  @Test
  void writesTheSameBytesForTheSamePixels() {
    RgbImage image = randomImage(64, 48, 11);
    PngEncoder reused = new PngEncoder();
    reused.encode(randomImage(100, 100, 12));

    assertThat(reused.encode(image)).isEqualTo(new PngEncoder().encode(image));
  }

  @Test
  void picksPerRowTheFilterWithTheSmallestSumAndTheFirstOnTies() throws DataFormatException {
    // black: every filter gives zeros, so the first (none) wins each row
    assertThat(filterTypes(grey(new int[][] {{0, 0}, {0, 0}, {0, 0}}))).containsExactly(0, 0, 0);
    // flat: sub on the first row (one sample not zero; paeth ties with it), up (all zeros) below
    assertThat(filterTypes(grey(new int[][] {{100, 100}, {100, 100}, {100, 100}})))
        .containsExactly(1, 2, 2);
    // each sample half the one on its left: average (no row above: half the left one) is exact
    assertThat(filterTypes(grey(new int[][] {{64, 32, 16, 8}}))).containsExactly(3);
    // left half like the row above, right half like the left neighbour: per row sums
    // sub 3 * 90, up 3 * 100, average 3 * 85, paeth 3 * 60
    assertThat(filterTypes(grey(new int[][] {{40, 80, 120, 160}, {40, 80, 90, 90}})))
        .containsExactly(1, 4);
  }

  /** An image whose pixels have R = G = B = the given value, one array per row. */
  private static RgbImage grey(int[][] rows) {
    int width = rows[0].length;
    byte[] rgb = new byte[3 * width * rows.length];
    for (int y = 0; y < rows.length; y++) {
      for (int x = 0; x < width; x++) {
        int at = 3 * (y * width + x);
        Arrays.fill(rgb, at, at + 3, (byte) rows[y][x]);
      }
    }
    return new RgbImage(width, rows.length, rgb);
  }

  private static RgbImage randomImage(int width, int height, long seed) {
    byte[] rgb = new byte[3 * width * height];
    new Random(seed).nextBytes(rgb);
    return new RgbImage(width, height, rgb);
  }

  /** The decoded image as packed RGB, read pixel by pixel. */
  private static byte[] pixelsOf(BufferedImage decoded) {
    byte[] rgb = new byte[3 * decoded.getWidth() * decoded.getHeight()];
    int i = 0;
    for (int y = 0; y < decoded.getHeight(); y++) {
      for (int x = 0; x < decoded.getWidth(); x++) {
        int argb = decoded.getRGB(x, y);
        rgb[i++] = (byte) (argb >> 16);
        rgb[i++] = (byte) (argb >> 8);
        rgb[i++] = (byte) argb;
      }
    }
    return rgb;
  }

  private static List<Chunk> chunks(byte[] png) {
    ByteBuffer in = ByteBuffer.wrap(png, 8, png.length - 8);
    List<Chunk> chunks = new ArrayList<>();
    while (in.hasRemaining()) {
      int length = in.getInt();
      byte[] type = new byte[4];
      in.get(type);
      byte[] data = new byte[length];
      in.get(data);
      CRC32 crc = new CRC32();
      crc.update(type);
      crc.update(data);
      chunks.add(
          new Chunk(
              new String(type, StandardCharsets.US_ASCII),
              data,
              in.getInt() == (int) crc.getValue()));
    }
    return chunks;
  }

  /** The filter type byte of each row, from the inflated IDAT stream. */
  private static List<Integer> filterTypes(RgbImage image) throws DataFormatException {
    byte[] png = new PngEncoder().encode(image);
    Inflater inflater = new Inflater();
    inflater.setInput(chunks(png).get(1).data());
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    while (!inflater.finished()) {
      raw.write(buffer, 0, inflater.inflate(buffer));
    }
    inflater.end();
    byte[] rows = raw.toByteArray();
    int rowBytes = 3 * image.width() + 1;
    assertThat(rows).hasSize(rowBytes * image.height());
    List<Integer> types = new ArrayList<>();
    for (int y = 0; y < image.height(); y++) {
      types.add((int) rows[y * rowBytes]);
    }
    return types;
  }
}
