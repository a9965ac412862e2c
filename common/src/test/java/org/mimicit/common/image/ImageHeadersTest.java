package org.mimicit.common.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageHeadersTest {
  private static final int WIDTH = 37;
  private static final int HEIGHT = 23;

  // ---- images written by ImageIO ----------------------------------------------------------

  @Test
  void readsJpegWrittenByImageIo() throws Exception {
    assertThat(ImageHeaders.read(imageIo("jpeg", BufferedImage.TYPE_INT_RGB)))
        .isEqualTo(new ImageInfo("jpeg", WIDTH, HEIGHT));
  }

  @Test
  void readsPngWrittenByImageIo() throws Exception {
    assertThat(ImageHeaders.read(imageIo("png", BufferedImage.TYPE_INT_ARGB)))
        .isEqualTo(new ImageInfo("png", WIDTH, HEIGHT));
  }

  @Test
  void readsGifWrittenByImageIo() throws Exception {
    assertThat(ImageHeaders.read(imageIo("gif", BufferedImage.TYPE_BYTE_INDEXED)))
        .isEqualTo(new ImageInfo("gif", WIDTH, HEIGHT));
  }

  @Test
  void readsBmpWrittenByImageIo() throws Exception {
    byte[] bmp = imageIo("bmp", BufferedImage.TYPE_INT_RGB);

    assertThat(le32(bmp, 14)).as("BITMAPINFOHEADER size").isEqualTo(40);
    assertThat(le32(bmp, 22)).as("bottom-up height").isEqualTo(HEIGHT);
    assertThat(ImageHeaders.read(bmp)).isEqualTo(new ImageInfo("bmp", WIDTH, HEIGHT));
  }

  @Test
  void readsProgressiveJpegWrittenByImageIo() throws Exception {
    byte[] jpeg = progressiveJpeg();

    assertThat(indexOf(jpeg, 0xFF, 0xC2)).as("SOF2 marker").isPositive();
    assertThat(indexOf(jpeg, 0xFF, 0xC0)).as("SOF0 marker").isEqualTo(-1);
    assertThat(ImageHeaders.read(jpeg)).isEqualTo(new ImageInfo("jpeg", WIDTH, HEIGHT));
  }

  @Test
  void readsOnlyTheGivenLength() throws Exception {
    byte[] jpeg = imageIo("jpeg", BufferedImage.TYPE_INT_RGB);
    int sofEnd = indexOf(jpeg, 0xFF, 0xC0) + 9;

    assertThat(ImageHeaders.read(jpeg, sofEnd)).isEqualTo(new ImageInfo("jpeg", WIDTH, HEIGHT));
    assertThatThrownBy(() -> ImageHeaders.read(jpeg, sofEnd - 1))
        .isInstanceOf(UnreadableImageException.class)
        .hasMessage(
            "truncated JPEG: SOF0 segment at offset %d cut off at end of data (%d bytes)",
            sofEnd - 9, sofEnd - 1);
  }

  // ---- JPEG marker walking ----------------------------------------------------------------

  @Test
  void skipsExifAndIccSegmentsOfAnySizeBeforeSof() throws Exception {
    byte[] jpeg = imageIo("jpeg", BufferedImage.TYPE_INT_RGB);
    byte[] withMetadata = jpegWithLargeMetadata(jpeg);

    assertThat(withMetadata.length - jpeg.length).isGreaterThan(70_000);
    assertThat(ImageHeaders.read(withMetadata)).isEqualTo(new ImageInfo("jpeg", WIDTH, HEIGHT));
  }

  @Test
  void readsHandcraftedProgressiveSof2() throws Exception {
    byte[] jpeg = new Bytes().u8(0xFF, 0xD8).add(app0()).add(sof(0xC2, 640, 480)).toArray();

    assertThat(ImageHeaders.read(jpeg)).isEqualTo(new ImageInfo("jpeg", 640, 480));
  }

  @Test
  void skipsFillBytesStandaloneMarkersAndStrayBytes() throws Exception {
    byte[] jpeg =
        new Bytes()
            .u8(0xFF, 0xD8)
            .u8(0xFF, 0xFF, 0xFF)
            .add(app0())
            .u8(0xFF, 0xD0) // RST0
            .u8(0xFF, 0x01) // TEM
            .u8(0x00, 0x00, 0x12) // stray bytes between segments
            .u8(0xFF, 0xFE, 0x00, 0x05, 'h', 'i', '!') // COM
            .u8(0xFF, 0xFF)
            .add(sof(0xC1, 1920, 1080))
            .toArray();

    assertThat(ImageHeaders.read(jpeg)).isEqualTo(new ImageInfo("jpeg", 1920, 1080));
  }

  @ParameterizedTest
  @ValueSource(
      ints = {
        0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE,
        0xCF
      })
  void readsSizeFromFirstSofExceptDhtJpgAndDac(int marker) throws Exception {
    // A segment shaped like a 153x153 SOF, then a real 37x23 SOF0.
    byte[] jpeg =
        new Bytes()
            .u8(0xFF, 0xD8)
            .u8(0xFF, marker, 0x00, 0x0B, 0x08, 0x00, 0x99, 0x00, 0x99, 0x01, 0x01, 0x11, 0x00)
            .add(sof(0xC0, WIDTH, HEIGHT))
            .toArray();
    boolean notSof = marker == 0xC4 || marker == 0xC8 || marker == 0xCC;

    assertThat(ImageHeaders.read(jpeg))
        .isEqualTo(notSof ? new ImageInfo("jpeg", WIDTH, HEIGHT) : new ImageInfo("jpeg", 153, 153));
  }

  // ---- WebP and BMP, handcrafted ----------------------------------------------------------

  @Test
  void readsLossyWebp() throws Exception {
    assertThat(ImageHeaders.read(webpVp8(WIDTH, HEIGHT)))
        .isEqualTo(new ImageInfo("webp", WIDTH, HEIGHT));
  }

  @Test
  void readsLosslessWebp() throws Exception {
    assertThat(ImageHeaders.read(webpVp8l(WIDTH, HEIGHT)))
        .isEqualTo(new ImageInfo("webp", WIDTH, HEIGHT));
    assertThat(ImageHeaders.read(webpVp8l(16384, 1))).isEqualTo(new ImageInfo("webp", 16384, 1));
  }

  @Test
  void readsExtendedWebpCanvasBeyond16Bits() throws Exception {
    assertThat(ImageHeaders.read(webpVp8x(70_000, 300)))
        .isEqualTo(new ImageInfo("webp", 70_000, 300));
    assertThat(ImageHeaders.read(webpVp8x(1 << 24, 1)))
        .isEqualTo(new ImageInfo("webp", 1 << 24, 1));
  }

  @Test
  void readsTopDownBmpAsPositiveHeight() throws Exception {
    assertThat(ImageHeaders.read(bmpInfo(WIDTH, -HEIGHT)))
        .isEqualTo(new ImageInfo("bmp", WIDTH, HEIGHT));
  }

  @Test
  void readsBmpWithCoreHeader() throws Exception {
    assertThat(ImageHeaders.read(bmpCore(WIDTH, HEIGHT)))
        .isEqualTo(new ImageInfo("bmp", WIDTH, HEIGHT));
    assertThat(ImageHeaders.read(bmpCore(65535, 40000)))
        .isEqualTo(new ImageInfo("bmp", 65535, 40000));
  }

  // ---- truncation and rejection -----------------------------------------------------------

  /** Each sample with its magic length and the number of bytes its header needs. */
  static Stream<Arguments> samples() {
    byte[] jpeg = imageIo("jpeg", BufferedImage.TYPE_INT_RGB);
    int sofStart = indexOf(jpeg, 0xFF, 0xC0);
    return Stream.of(
        Arguments.of("jpeg", jpeg, 2, sofStart + 9),
        Arguments.of("png", imageIo("png", BufferedImage.TYPE_INT_ARGB), 8, 24),
        Arguments.of("gif", imageIo("gif", BufferedImage.TYPE_BYTE_INDEXED), 6, 10),
        Arguments.of("bmp", imageIo("bmp", BufferedImage.TYPE_INT_RGB), 2, 26),
        Arguments.of("bmp core", bmpCore(WIDTH, HEIGHT), 2, 22),
        Arguments.of("webp VP8", webpVp8(WIDTH, HEIGHT), 12, 30),
        Arguments.of("webp VP8L", webpVp8l(WIDTH, HEIGHT), 12, 25),
        Arguments.of("webp VP8X", webpVp8x(WIDTH, HEIGHT), 12, 30));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void readsFromExactlyTheHeaderBytes(String name, byte[] data, int magic, int header)
      throws Exception {
    ImageInfo info = ImageHeaders.read(Arrays.copyOf(data, header));

    assertThat(info.width()).isEqualTo(WIDTH);
    assertThat(info.height()).isEqualTo(HEIGHT);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void rejectsTruncationBeforeTheMagicAsNotAnImage(
      String name, byte[] data, int magic, int header) {
    assertThatThrownBy(() -> ImageHeaders.read(data, 0))
        .isInstanceOfSatisfying(
            UnreadableImageException.class, e -> assertThat(e.recognised()).isFalse())
        .hasMessage("not an image: empty data");
    assertThatThrownBy(() -> ImageHeaders.read(data, 1))
        .isInstanceOfSatisfying(
            UnreadableImageException.class, e -> assertThat(e.recognised()).isFalse())
        .hasMessage("not an image: first bytes %02x", data[0]);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void rejectsTruncationAfterTheMagicAsRecognised(String name, byte[] data, int magic, int header) {
    for (int length : new int[] {magic, (magic + header) / 2, header - 1}) {
      byte[] truncated = Arrays.copyOf(data, length);
      assertThatThrownBy(() -> ImageHeaders.read(truncated))
          .as("%s truncated to %d bytes", name, length)
          .isInstanceOfSatisfying(
              UnreadableImageException.class, e -> assertThat(e.recognised()).isTrue())
          .hasMessageStartingWith("truncated ");
    }
  }

  static Stream<Arguments> truncations() {
    byte[] jpeg = imageIo("jpeg", BufferedImage.TYPE_INT_RGB);
    int sofStart = indexOf(jpeg, 0xFF, 0xC0);
    byte[] png = imageIo("png", BufferedImage.TYPE_INT_ARGB);
    return Stream.of(
        Arguments.of(jpeg, 2, "truncated JPEG: no SOF marker before end of data (2 bytes)"),
        Arguments.of(jpeg, 3, "truncated JPEG: no SOF marker before end of data (3 bytes)"),
        Arguments.of(jpeg, 5, "truncated JPEG: no SOF marker before end of data (5 bytes)"),
        Arguments.of(
            jpeg,
            sofStart + 2,
            String.format(
                "truncated JPEG: SOF0 segment at offset %d cut off at end of data (%d bytes)",
                sofStart, sofStart + 2)),
        Arguments.of(png, 8, "truncated PNG: header needs 24 bytes, got 8"),
        Arguments.of(png, 23, "truncated PNG: header needs 24 bytes, got 23"),
        Arguments.of(
            imageIo("gif", BufferedImage.TYPE_BYTE_INDEXED),
            8,
            "truncated GIF: header needs 10 bytes, got 8"),
        Arguments.of(bmpInfo(WIDTH, HEIGHT), 14, "truncated BMP: header needs 18 bytes, got 14"),
        Arguments.of(bmpInfo(WIDTH, HEIGHT), 25, "truncated BMP: header needs 26 bytes, got 25"),
        Arguments.of(bmpCore(WIDTH, HEIGHT), 21, "truncated BMP: header needs 22 bytes, got 21"),
        Arguments.of(webpVp8(WIDTH, HEIGHT), 12, "truncated WebP: header needs 16 bytes, got 12"),
        Arguments.of(webpVp8(WIDTH, HEIGHT), 21, "truncated WebP: header needs 30 bytes, got 21"),
        Arguments.of(webpVp8l(WIDTH, HEIGHT), 24, "truncated WebP: header needs 25 bytes, got 24"),
        Arguments.of(webpVp8x(WIDTH, HEIGHT), 29, "truncated WebP: header needs 30 bytes, got 29"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("truncations")
  void describesTruncation(byte[] data, int length, String message) {
    assertThatThrownBy(() -> ImageHeaders.read(data, length))
        .isInstanceOfSatisfying(
            UnreadableImageException.class, e -> assertThat(e.recognised()).isTrue())
        .hasMessage(message);
  }

  static Stream<Arguments> notImages() {
    return Stream.of(
        Arguments.of(new byte[0], "not an image: empty data"),
        Arguments.of(ascii("Hell"), "not an image: first bytes 48 65 6c 6c"),
        Arguments.of(ascii("Hello, world"), "not an image: first bytes 48 65 6c 6c 6f 2c 20 77"),
        Arguments.of(ascii("<!DOCTYPE html>"), "not an image: first bytes 3c 21 44 4f 43 54 59 50"),
        Arguments.of(
            new Bytes().ascii("RIFF").u32le(36).ascii("WAVEfmt ").toArray(),
            "not an image: first bytes 52 49 46 46 24 00 00 00"),
        Arguments.of(ascii("GIF90a\1\0\1\0"), "not an image: first bytes 47 49 46 39 30 61 01 00"),
        Arguments.of(
            new Bytes().u8(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A).toArray(),
            "not an image: first bytes 89 50 4e 47 0d 0a 1a"),
        Arguments.of(
            new Bytes().u8(0x9F, 0x35, 0x2E, 0xC1, 0x00, 0xFF, 0xD8, 0x7B, 0x11).toArray(),
            "not an image: first bytes 9f 35 2e c1 00 ff d8 7b"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("notImages")
  void rejectsBytesThatAreNotAnImage(byte[] data, String message) {
    assertThatThrownBy(() -> ImageHeaders.read(data))
        .isInstanceOfSatisfying(
            UnreadableImageException.class, e -> assertThat(e.recognised()).isFalse())
        .hasMessage(message);
  }

  static Stream<Arguments> invalidHeaders() {
    byte[] png = imageIo("png", BufferedImage.TYPE_INT_ARGB);
    byte[] pngText = png.clone();
    pngText[12] = 't';
    pngText[13] = 'E';
    pngText[14] = 'X';
    pngText[15] = 't';
    byte[] pngBinaryChunk = png.clone();
    pngBinaryChunk[12] = 0;
    byte[] pngLength = png.clone();
    pngLength[11] = 12;
    byte[] pngHuge = png.clone();
    pngHuge[16] = (byte) 0x80;
    byte[] gif = imageIo("gif", BufferedImage.TYPE_BYTE_INDEXED);
    gif[6] = 0;
    gif[7] = 0;
    gif[8] = 10;
    gif[9] = 0;
    byte[] vp8InterFrame = webpVp8(WIDTH, HEIGHT);
    vp8InterFrame[20] |= 1;
    byte[] vp8StartCode = webpVp8(WIDTH, HEIGHT);
    vp8StartCode[24] = 0x02;
    byte[] vp8lSignature = webpVp8l(WIDTH, HEIGHT);
    vp8lSignature[20] = 0x2E;
    byte[] vp8lVersion = webpVp8l(WIDTH, HEIGHT);
    vp8lVersion[24] |= 0x20;
    byte[] vp8Zero = webpVp8(0, HEIGHT);
    return Stream.of(
        Arguments.of(pngText, "PNG: first chunk is 'tEXt', expected 'IHDR'"),
        Arguments.of(pngBinaryChunk, "PNG: first chunk is '\\x00HDR', expected 'IHDR'"),
        Arguments.of(pngLength, "PNG: IHDR chunk length is 12, expected 13"),
        Arguments.of(pngHuge, "width or height out of range 2147483685x23 in PNG header"),
        Arguments.of(gif, "zero width or height 0x10 in GIF header"),
        Arguments.of(
            new Bytes().u8(0xFF, 0xD8).u8(0xFF, 0xDA, 0x00, 0x08).toArray(),
            "JPEG: SOS marker at offset 2 before any SOF marker"),
        Arguments.of(
            new Bytes().u8(0xFF, 0xD8).add(app0()).u8(0xFF, 0xD9).toArray(),
            "JPEG: EOI marker at offset 20 before any SOF marker"),
        Arguments.of(
            new Bytes().u8(0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x01, 0xFF, 0xC0).toArray(),
            "JPEG: segment length 1 of marker 0xe1 at offset 2 is less than 2"),
        Arguments.of(
            new Bytes().u8(0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x07, 8, 0, 1, 0, 1, 0).toArray(),
            "JPEG: SOF0 segment length 7 at offset 2 is less than 8"),
        Arguments.of(
            new Bytes().u8(0xFF, 0xD8).add(sof(0xC0, WIDTH, 0)).toArray(),
            "zero width or height 37x0 in JPEG header"),
        Arguments.of(
            webp("ALPH", new byte[20]),
            "WebP: first chunk is 'ALPH', expected 'VP8 ', 'VP8L' or 'VP8X'"),
        Arguments.of(vp8InterFrame, "WebP: VP8 frame is not a key frame"),
        Arguments.of(vp8StartCode, "WebP: VP8 start code is 9d 02 2a, expected 9d 01 2a"),
        Arguments.of(vp8Zero, "zero width or height 0x23 in WebP header"),
        Arguments.of(vp8lSignature, "WebP: VP8L signature is 0x2e, expected 0x2f"),
        Arguments.of(vp8lVersion, "WebP: VP8L version is 1, expected 0"),
        Arguments.of(bmpInfo(-WIDTH, HEIGHT), "width or height out of range -37x23 in BMP header"),
        Arguments.of(
            bmpInfo(WIDTH, Integer.MIN_VALUE),
            "width or height out of range 37x2147483648 in BMP header"),
        Arguments.of(bmpInfo(WIDTH, 0), "zero width or height 37x0 in BMP header"),
        Arguments.of(bmpCore(0, 0), "zero width or height 0x0 in BMP header"),
        Arguments.of(
            ascii("BMW is a German car maker"), "BMP: unsupported DIB header size 1633886318"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalidHeaders")
  void rejectsInvalidHeaders(byte[] data, String message) {
    assertThatThrownBy(() -> ImageHeaders.read(data))
        .isInstanceOfSatisfying(
            UnreadableImageException.class, e -> assertThat(e.recognised()).isTrue())
        .hasMessage(message);
  }

  @Test
  void neverThrowsAnythingButUnreadableImageOnDamagedImages() {
    Map<String, byte[]> samples = new LinkedHashMap<>();
    samples.put("jpeg", imageIo("jpeg", BufferedImage.TYPE_INT_RGB));
    samples.put("progressive jpeg", progressiveJpeg());
    samples.put("exif jpeg", jpegWithLargeMetadata(imageIo("jpeg", BufferedImage.TYPE_INT_RGB)));
    samples.put("png", imageIo("png", BufferedImage.TYPE_INT_ARGB));
    samples.put("gif", imageIo("gif", BufferedImage.TYPE_BYTE_INDEXED));
    samples.put("bmp", imageIo("bmp", BufferedImage.TYPE_INT_RGB));
    samples.put("bmp top-down", bmpInfo(WIDTH, -HEIGHT));
    samples.put("bmp core", bmpCore(WIDTH, HEIGHT));
    samples.put("webp VP8", webpVp8(WIDTH, HEIGHT));
    samples.put("webp VP8L", webpVp8l(WIDTH, HEIGHT));
    samples.put("webp VP8X", webpVp8x(WIDTH, HEIGHT));
    List<String> names = List.copyOf(samples.keySet());
    Random random = new Random(20240611L);
    int read = 0;
    int rejected = 0;

    for (int i = 0; i < 2_000; i++) {
      String name = names.get(random.nextInt(names.size()));
      byte[] data = samples.get(name).clone();
      int mutation = random.nextInt(3);
      if (mutation != 0) {
        for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
          // Mostly in the header, where a flip changes what gets parsed.
          int bound = random.nextInt(4) == 0 ? data.length : Math.min(data.length, 200);
          data[random.nextInt(bound)] = (byte) random.nextInt(256);
        }
      }
      int length = mutation == 1 ? data.length : random.nextInt(data.length + 1);
      byte[] input = random.nextBoolean() ? data : Arrays.copyOf(data, length);
      try {
        ImageHeaders.read(input, length);
        read++;
      } catch (UnreadableImageException e) {
        assertThat(e.getMessage()).isNotBlank();
        rejected++;
      } catch (RuntimeException e) {
        fail("iteration %d: %s read to %d of %d bytes threw %s", i, name, length, data.length, e);
      }
    }

    assertThat(read + rejected).isEqualTo(2_000);
    assertThat(read).isGreaterThan(100);
    assertThat(rejected).isGreaterThan(100);
  }

  // ---- arguments and helpers of the API ---------------------------------------------------

  @Test
  void rejectsLengthOutsideTheData() {
    assertThatThrownBy(() -> ImageHeaders.read(new byte[4], 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid length 5: must be between 0 and the data length 4");
    assertThatThrownBy(() -> ImageHeaders.read(new byte[4], -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid length -1: must be between 0 and the data length 4");
    assertThatThrownBy(() -> ImageHeaders.read(null, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot read an image header: data is null");
  }

  @Test
  void mapsFormatsToFileExtensions() {
    assertThat(ImageInfo.FORMATS.stream().map(ImageHeaders::extension))
        .containsExactly("jpg", "png", "gif", "webp", "bmp");
    assertThat(new ImageInfo("jpeg", 1, 1).extension()).isEqualTo("jpg");
    assertThatThrownBy(() -> ImageHeaders.extension("JPEG"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid image format JPEG: must be one of [jpeg, png, gif, webp, bmp]");
  }

  @Test
  void imageInfoRejectsUnknownFormatsAndEmptySizes() {
    assertThatThrownBy(() -> new ImageInfo("tiff", 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid image format tiff: must be one of [jpeg, png, gif, webp, bmp]");
    assertThatThrownBy(() -> new ImageInfo(null, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid image format null: must be one of [jpeg, png, gif, webp, bmp]");
    assertThatThrownBy(() -> new ImageInfo("png", 0, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid image size 0x5: width and height must be positive");
  }

  // ---- fixtures ---------------------------------------------------------------------------

  private static BufferedImage picture(int type) {
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, type);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.ORANGE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    g.setColor(Color.BLUE);
    g.fillOval(5, 3, 20, 15);
    g.dispose();
    return image;
  }

  private static byte[] imageIo(String format, int type) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThat(ImageIO.write(picture(type), format, out)).as("ImageIO wrote " + format).isTrue();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] progressiveJpeg() {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      writer.setOutput(stream);
      writer.write(null, new IIOImage(picture(BufferedImage.TYPE_INT_RGB), null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  /**
   * Splices in, right after SOI, a maximum-size APP1 Exif segment (65,535 bytes, the most one
   * segment holds) full of SOF-like bytes, an 8 KB APP2 ICC profile segment and a comment.
   */
  private static byte[] jpegWithLargeMetadata(byte[] jpeg) {
    Bytes exif = new Bytes().ascii("Exif").u8(0, 0);
    while (exif.size() < 65_533 - 9) {
      exif.u8(0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x01, 0x00, 0x01);
    }
    exif.add(new byte[65_533 - exif.size()]);
    Bytes icc = new Bytes().ascii("ICC_PROFILE").u8(0, 1, 1).add(new byte[8_000]);
    byte[] comment = ascii("made by ImageHeadersTest");
    return new Bytes()
        .add(Arrays.copyOf(jpeg, 2))
        .add(segment(0xE1, exif.toArray()))
        .add(segment(0xE2, icc.toArray()))
        .add(segment(0xFE, comment))
        .add(Arrays.copyOfRange(jpeg, 2, jpeg.length))
        .toArray();
  }

  private static byte[] segment(int marker, byte[] payload) {
    assertThat(payload.length + 2).isLessThanOrEqualTo(0xFFFF);
    return new Bytes().u8(0xFF, marker).u16be(payload.length + 2).add(payload).toArray();
  }

  private static byte[] app0() {
    return segment(
        0xE0, new Bytes().ascii("JFIF").u8(0, 1, 1, 0).u16be(1).u16be(1).u8(0, 0).toArray());
  }

  private static byte[] sof(int marker, int width, int height) {
    Bytes components = new Bytes().u8(8).u16be(height).u16be(width).u8(3);
    for (int id = 1; id <= 3; id++) {
      components.u8(id, 0x11, 0);
    }
    return segment(marker, components.toArray());
  }

  private static byte[] webp(String chunk, byte[] payload) {
    return new Bytes()
        .ascii("RIFF")
        .u32le(4 + 8 + payload.length)
        .ascii("WEBP")
        .ascii(chunk)
        .u32le(payload.length)
        .add(payload)
        .toArray();
  }

  /** Key frame tag (show frame), start code, sizes with non-zero scale bits that must be masked. */
  private static byte[] webpVp8(int width, int height) {
    return webp(
        "VP8 ",
        new Bytes()
            .u8(0x50, 0x02, 0x00)
            .u8(0x9D, 0x01, 0x2A)
            .u16le(width | 1 << 14)
            .u16le(height | 2 << 14)
            .add(new byte[10])
            .toArray());
  }

  /** Signature, then width-1 and height-1 in 14 bits each, alpha set, version 0. */
  private static byte[] webpVp8l(int width, int height) {
    return webp(
        "VP8L",
        new Bytes()
            .u8(0x2F)
            .u32le((width - 1) | (height - 1) << 14 | 1 << 28)
            .add(new byte[8])
            .toArray());
  }

  /** Flags (alpha), 3 reserved bytes, 24-bit canvas width-1 and height-1. */
  private static byte[] webpVp8x(int width, int height) {
    return webp("VP8X", new Bytes().u8(0x10, 0, 0, 0).u24le(width - 1).u24le(height - 1).toArray());
  }

  /** File header and BITMAPINFOHEADER of a 24-bit BMP, a negative height meaning top-down. */
  private static byte[] bmpInfo(int width, int height) {
    return new Bytes()
        .ascii("BM")
        .u32le(54 + 4)
        .u32le(0)
        .u32le(54)
        .u32le(40)
        .u32le(width)
        .u32le(height)
        .u16le(1)
        .u16le(24)
        .add(new byte[24 + 4])
        .toArray();
  }

  /** File header and the old 12-byte BITMAPCOREHEADER with 16-bit sizes. */
  private static byte[] bmpCore(int width, int height) {
    return new Bytes()
        .ascii("BM")
        .u32le(26 + 4)
        .u32le(0)
        .u32le(26)
        .u32le(12)
        .u16le(width)
        .u16le(height)
        .u16le(1)
        .u16le(24)
        .add(new byte[4])
        .toArray();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static int le32(byte[] data, int pos) {
    return (data[pos] & 0xFF)
        | (data[pos + 1] & 0xFF) << 8
        | (data[pos + 2] & 0xFF) << 16
        | (data[pos + 3] & 0xFF) << 24;
  }

  private static int indexOf(byte[] data, int first, int second) {
    for (int i = 0; i + 1 < data.length; i++) {
      if (data[i] == (byte) first && data[i + 1] == (byte) second) {
        return i;
      }
    }
    return -1;
  }

  /** A byte array builder for handcrafted headers. */
  private static final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Bytes u8(int... values) {
      for (int v : values) {
        out.write(v);
      }
      return this;
    }

    Bytes u16be(int v) {
      return u8(v >>> 8, v);
    }

    Bytes u16le(int v) {
      return u8(v, v >>> 8);
    }

    Bytes u24le(int v) {
      return u8(v, v >>> 8, v >>> 16);
    }

    Bytes u32le(int v) {
      return u8(v, v >>> 8, v >>> 16, v >>> 24);
    }

    Bytes ascii(String s) {
      return add(ImageHeadersTest.ascii(s));
    }

    Bytes add(byte[] bytes) {
      out.writeBytes(bytes);
      return this;
    }

    int size() {
      return out.size();
    }

    byte[] toArray() {
      return out.toByteArray();
    }
  }
}
