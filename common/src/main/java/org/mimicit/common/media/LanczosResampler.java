package org.mimicit.common.media;

import static org.mimicit.common.error.Preconditions.checkArgument;

/**
 * Resizes 8-bit RGB with a separable Lanczos filter (a = 3) the way Pillow's {@code
 * Image.resize(size, Image.LANCZOS)} does: the kernel is stretched by the scale when shrinking
 * (support {@code 3 * scale} source pixels, so every source pixel counts), weights are normalised
 * per output pixel and applied in 22-bit fixed point, the horizontal pass first into an 8-bit
 * intermediate (only the rows the vertical pass needs), then the vertical pass.
 */
public final class LanczosResampler {
  private static final double SUPPORT = 3.0;
  private static final int PRECISION_BITS = 32 - 8 - 2;

  private LanczosResampler() {}

  /** Resizes {@code src} to exactly {@code width x height}; the same object if nothing changes. */
  public static RgbImage resize(RgbImage src, int width, int height) {
    checkArgument(
        width > 0 && height > 0,
        "Cannot resize to %sx%s: width and height must be positive",
        width,
        height);
    if (src.width() == width && src.height() == height) {
      return src;
    }
    Coefficients vertical = Coefficients.of(src.height(), height);
    int firstRow = vertical.bounds[0];
    int lastRow = vertical.bounds[2 * (height - 1)] + vertical.bounds[2 * (height - 1) + 1];
    // Horizontal pass over the rows the vertical pass reads.
    byte[] mid;
    if (src.width() != width) {
      mid = new byte[3 * width * (lastRow - firstRow)];
      horizontal(
          src.rgb(),
          src.width(),
          firstRow,
          lastRow - firstRow,
          Coefficients.of(src.width(), width),
          width,
          mid);
    } else {
      mid = java.util.Arrays.copyOfRange(src.rgb(), 3 * width * firstRow, 3 * width * lastRow);
    }
    if (src.height() == height) {
      return new RgbImage(width, height, mid);
    }
    byte[] out = new byte[3 * width * height];
    verticalPass(mid, width, firstRow, vertical, height, out);
    return new RgbImage(width, height, out);
  }

  private static void horizontal(
      byte[] in, int inWidth, int firstRow, int rows, Coefficients c, int outWidth, byte[] out) {
    int[] k = c.weights;
    int n = c.taps;
    for (int y = 0; y < rows; y++) {
      int inRow = 3 * inWidth * (firstRow + y);
      int outRow = 3 * outWidth * y;
      for (int x = 0; x < outWidth; x++) {
        int start = c.bounds[2 * x];
        int size = c.bounds[2 * x + 1];
        int r = 1 << (PRECISION_BITS - 1);
        int g = r;
        int b = r;
        int p = inRow + 3 * start;
        int w = x * n;
        for (int i = 0; i < size; i++, p += 3) {
          int kw = k[w + i];
          r += (in[p] & 0xFF) * kw;
          g += (in[p + 1] & 0xFF) * kw;
          b += (in[p + 2] & 0xFF) * kw;
        }
        int o = outRow + 3 * x;
        out[o] = clip(r);
        out[o + 1] = clip(g);
        out[o + 2] = clip(b);
      }
    }
  }

  private static void verticalPass(
      byte[] in, int width, int firstRow, Coefficients c, int outHeight, byte[] out) {
    int[] k = c.weights;
    int n = c.taps;
    int stride = 3 * width;
    int[] acc = new int[stride];
    for (int y = 0; y < outHeight; y++) {
      java.util.Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
      int start = c.bounds[2 * y] - firstRow;
      int size = c.bounds[2 * y + 1];
      for (int i = 0; i < size; i++) {
        int kw = k[y * n + i];
        int row = stride * (start + i);
        for (int x = 0; x < stride; x++) {
          acc[x] += (in[row + x] & 0xFF) * kw;
        }
      }
      int o = stride * y;
      for (int x = 0; x < stride; x++) {
        out[o + x] = clip(acc[x]);
      }
    }
  }

  private static byte clip(int v) {
    int s = v >> PRECISION_BITS;
    return (byte) (s < 0 ? 0 : s > 255 ? 255 : s);
  }

  private static double lanczos(double x) {
    if (x > -SUPPORT && x < SUPPORT) {
      return sinc(x) * sinc(x / SUPPORT);
    }
    return 0.0;
  }

  private static double sinc(double x) {
    if (x == 0.0) {
      return 1.0;
    }
    x *= Math.PI;
    return Math.sin(x) / x;
  }

  /** Per output pixel: first source pixel, count, and fixed-point weights ({@code taps} each). */
  private static final class Coefficients {
    final int[] bounds;
    final int[] weights;
    final int taps;

    private Coefficients(int[] bounds, int[] weights, int taps) {
      this.bounds = bounds;
      this.weights = weights;
      this.taps = taps;
    }

    static Coefficients of(int inSize, int outSize) {
      double scale = (double) inSize / outSize;
      double filterScale = Math.max(scale, 1.0);
      double support = SUPPORT * filterScale;
      int taps = (int) Math.ceil(support) * 2 + 1;
      int[] bounds = new int[2 * outSize];
      int[] weights = new int[outSize * taps];
      double[] kk = new double[taps];
      for (int x = 0; x < outSize; x++) {
        double center = (x + 0.5) * scale;
        int min = Math.max((int) (center - support + 0.5), 0);
        int max = Math.min((int) (center + support + 0.5), inSize) - min;
        double sum = 0;
        for (int i = 0; i < max; i++) {
          double w = lanczos((i + min - center + 0.5) / filterScale);
          kk[i] = w;
          sum += w;
        }
        for (int i = 0; i < max; i++) {
          double w = sum != 0 ? kk[i] / sum : 0;
          weights[x * taps + i] = (int) (w * (1 << PRECISION_BITS) + (w < 0 ? -0.5 : 0.5));
        }
        bounds[2 * x] = min;
        bounds[2 * x + 1] = max;
      }
      return new Coefficients(bounds, weights, taps);
    }
  }
}
