package org.mimicit.common.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.mimicit.common.testing.TestImages;

class ImageConverterTest {
  private static final Processing DEFAULT = Processing.defaults();

  /** A 4-channel (CMYK) JPEG: the JDK's own reader cannot decode it. */
  static byte[] cmykJpeg(int w, int h) throws IOException {
    WritableRaster raster =
        Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, w, h, 4, null);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        // cyan on the left half, magenta on the right, no black
        raster.setPixel(x, y, x < w / 2 ? new int[] {255, 0, 0, 0} : new int[] {0, 255, 0, 0});
      }
    }
    return writeJpeg(new IIOImage(raster, null, null), false);
  }

  static byte[] progressiveJpeg(int w, int h) throws IOException {
    return writeJpeg(new IIOImage(photo(w, h), null, null), true);
  }

  private static byte[] writeJpeg(IIOImage image, boolean progressive) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    if (progressive) {
      param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.write(null, image, param);
    }
    writer.dispose();
    return out.toByteArray();
  }

  static BufferedImage photo(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = img.createGraphics();
    g.setPaint(new java.awt.GradientPaint(0, 0, Color.ORANGE, w, h, Color.BLUE));
    g.fillRect(0, 0, w, h);
    g.setColor(Color.WHITE);
    g.fillOval(w / 4, h / 4, w / 2, h / 2);
    g.dispose();
    return img;
  }

  private static byte[] png(BufferedImage img) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  private static BufferedImage read(byte[] data) throws IOException {
    return ImageIO.read(new ByteArrayInputStream(data));
  }

  @Test
  void convertsToThe224PngOfTheRelease() throws Exception {
    byte[] jpeg = TestImages.image("jpeg", 640, 480, 2);
    try (ImageConverter c = new ImageConverter(DEFAULT)) {
      ConvertedImage img = c.convertFile(jpeg);
      assertThat(img.format()).isEqualTo("png");
      assertThat(img.width()).isEqualTo(224);
      assertThat(img.height()).isEqualTo(224);
      assertThat(img.sha256()).isEqualTo(TestImages.sha256(img.bytes()));
      BufferedImage back = read(img.bytes());
      assertThat(back.getWidth()).isEqualTo(224);
      assertThat(back.getColorModel().getNumComponents()).isEqualTo(3);
      // the white oval in the middle, the background colour at the corner
      assertThat(new Color(back.getRGB(112, 112))).isEqualTo(Color.WHITE);
      assertThat(back.getRGB(2, 2)).isEqualTo(back.getRGB(220, 220));
    }
  }

  @Test
  void decodesCmykJpegsWithTwelveMonkeys() throws Exception {
    byte[] cmyk = cmykJpeg(120, 80);
    assertThat(ImageIoDecoder.readerFor(cmyk))
        .isEqualTo("com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReader");
    try (ImageConverter c = new ImageConverter(new Processing(60, 40, false, "png", 95, false))) {
      ConvertedImage img = c.convertFile(cmyk);
      assertThat(img.width()).isEqualTo(60);
      assertThat(img.height()).isEqualTo(40);
      Color left = new Color(read(img.bytes()).getRGB(5, 20));
      Color right = new Color(read(img.bytes()).getRGB(55, 20));
      assertThat(left).isNotEqualTo(right);
    }
  }

  @Test
  void decodesProgressiveJpegs16BitAndPalettePngs() throws Exception {
    BufferedImage gray16 = new BufferedImage(64, 32, BufferedImage.TYPE_USHORT_GRAY);
    gray16.getRaster().setSample(10, 10, 0, 65535);
    BufferedImage palette =
        new BufferedImage(
            50,
            30,
            BufferedImage.TYPE_BYTE_INDEXED,
            new IndexColorModel(
                8, 2, new byte[] {0, (byte) 255}, new byte[] {0, 0}, new byte[] {0, 0}));
    palette.getRaster().setSample(0, 0, 0, 1);
    Processing keepAspect = new Processing(32, 32, true, "jpeg", 90, false);
    try (ImageConverter c = new ImageConverter(keepAspect)) {
      assertThat(dims(c.convertFile(progressiveJpeg(400, 300)))).isEqualTo("jpeg 32x24");
      assertThat(dims(c.convertFile(png(gray16)))).isEqualTo("jpeg 32x16");
      assertThat(dims(c.convertFile(png(palette)))).isEqualTo("jpeg 32x19");
    }
  }

  private static String dims(ConvertedImage img) throws IOException {
    BufferedImage back = read(img.bytes());
    assertThat(back.getWidth() + "x" + back.getHeight())
        .isEqualTo(img.width() + "x" + img.height());
    return img.format() + " " + img.width() + "x" + img.height();
  }

  @Test
  void keepsTheOriginalBytes() throws Exception {
    byte[] jpeg = progressiveJpeg(333, 111);
    try (ImageConverter c = new ImageConverter(new Processing(224, 224, false, "png", 95, true))) {
      ConvertedImage img = c.convertFile(jpeg);
      assertThat(img.bytes()).isSameAs(jpeg);
      assertThat(img.sha256()).isEqualTo(TestImages.sha256(jpeg));
      assertThat(img.format() + " " + img.width() + "x" + img.height()).isEqualTo("jpeg 333x111");
    }
  }

  @Test
  void rejectsWhatIsNoImage() {
    try (ImageConverter c = new ImageConverter(DEFAULT)) {
      assertThatThrownBy(() -> c.convertFile("hello world".getBytes()))
          .isInstanceOf(MediaException.class)
          .hasMessage("not an image: first bytes 68 65 6c 6c 6f 20 77 6f");
      byte[] png = TestImages.image("png", 40, 30, 1);
      assertThatThrownBy(() -> c.convertFile(Arrays.copyOf(png, 60)))
          .isInstanceOf(MediaException.class)
          .hasMessageStartingWith("png: ");
    }
  }

  @Test
  void decodesJpegsReducedToAtLeastTwiceTheTarget() throws Exception {
    int[] target = {224, 224};
    assertThat(ImageConverter.lowres(3000, 2000, target)).isEqualTo(2); // 750x500
    assertThat(ImageConverter.lowres(4000, 4000, target)).isEqualTo(3); // 500x500
    assertThat(ImageConverter.lowres(800, 600, target)).isZero();
    assertThat(ImageConverter.lowres(900, 900, target)).isEqualTo(1); // 450x450
    // the reduced decode looks like the full one
    byte[] jpeg = TestImages.image("jpeg", 1800, 1800, 3);
    try (FfmpegJpegDecoder ffmpeg = new FfmpegJpegDecoder()) {
      RgbImage reduced = ffmpeg.decode(jpeg, 2);
      assertThat(reduced.width() + "x" + reduced.height()).isEqualTo("450x450");
      RgbImage a = LanczosResampler.resize(reduced, 64, 64);
      RgbImage b = LanczosResampler.resize(ImageIoDecoder.decode(jpeg, "jpeg"), 64, 64);
      long diff = 0;
      for (int i = 0; i < a.rgb().length; i++) {
        diff += Math.abs((a.rgb()[i] & 0xFF) - (b.rgb()[i] & 0xFF));
      }
      assertThat((double) diff / a.rgb().length).isLessThan(2.0);
    }
  }
}
