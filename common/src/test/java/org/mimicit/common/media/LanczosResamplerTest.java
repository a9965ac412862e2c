package org.mimicit.common.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LanczosResamplerTest {
  static RgbImage pattern(int w, int h) {
    byte[] rgb = new byte[3 * w * h];
    for (int y = 0, o = 0; y < h; y++) {
      for (int x = 0; x < w; x++, o += 3) {
        rgb[o] = (byte) ((x * 37 + y * 11) % 256);
        rgb[o + 1] = (byte) ((x * x + 3 * y) % 256);
        rgb[o + 2] = (byte) (((x ^ y) * 5) % 256);
      }
    }
    return new RgbImage(w, h, rgb);
  }

  @ParameterizedTest
  @CsvSource({"97, 61, 31, 17", "20, 10, 45, 23", "300, 200, 64, 48"})
  void matchesPillowsLanczosToTheByte(int w, int h, int outW, int outH) throws IOException {
    byte[] expected;
    String name = String.format("/media/pil-lanczos-%dx%d-to-%dx%d.rgb", w, h, outW, outH);
    try (InputStream in = getClass().getResourceAsStream(name)) {
      expected = in.readAllBytes();
    }
    RgbImage out = LanczosResampler.resize(pattern(w, h), outW, outH);
    assertThat(out.width()).isEqualTo(outW);
    assertThat(out.height()).isEqualTo(outH);
    int maxDiff = 0;
    for (int i = 0; i < expected.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs((expected[i] & 0xFF) - (out.rgb()[i] & 0xFF)));
    }
    assertThat(maxDiff).isZero();
  }

  @Test
  void keepsAFlatColourFlat() {
    byte[] rgb = new byte[3 * 50 * 40];
    for (int i = 0; i < rgb.length; i += 3) {
      rgb[i] = 10;
      rgb[i + 1] = (byte) 200;
      rgb[i + 2] = (byte) 255;
    }
    RgbImage out = LanczosResampler.resize(new RgbImage(50, 40, rgb), 7, 90);
    for (int i = 0; i < out.rgb().length; i += 3) {
      assertThat(new int[] {out.rgb()[i], out.rgb()[i + 1] & 0xFF, out.rgb()[i + 2] & 0xFF})
          .containsExactly(10, 200, 255);
    }
  }

  @Test
  void returnsTheSameImageAtTheSameSize() {
    RgbImage img = pattern(8, 6);
    assertThat(LanczosResampler.resize(img, 8, 6)).isSameAs(img);
  }
}
