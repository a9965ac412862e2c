package org.mimicit.common.media;

import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Converts decoded FFmpeg frames (any YUV or gray format) to packed RGB at the same size with
 * swscale (its fast SIMD path; bilinear chroma upsampling). Resizing is left to {@link
 * LanczosResampler}, so every path resizes alike. Reuses its context and buffer.
 */
final class RgbConverter implements AutoCloseable {
  private SwsContext sws;
  private BytePointer buffer = new BytePointer(0L);
  private final PointerPointer<BytePointer> planes = new PointerPointer<>(1);
  private final IntPointer strides = new IntPointer(1);

  RgbImage convert(AVFrame frame) {
    int w = frame.width();
    int h = frame.height();
    sws =
        sws_getCachedContext(
            sws,
            w,
            h,
            frame.format(),
            w,
            h,
            avutil.AV_PIX_FMT_RGB24,
            SWS_BILINEAR,
            null,
            null,
            (DoublePointer) null);
    // swscale's SIMD paths write whole blocks of pixels, past the end of a row whose width is
    // not a multiple of the block: rows are padded and the buffer has slack after the last.
    int stride = (3 * w + 63) & ~63;
    long size = (long) stride * h + 1024;
    if (buffer.capacity() < size) {
      buffer.close();
      buffer = new BytePointer(size);
    }
    planes.put(0, buffer);
    strides.put(0, stride);
    sws_scale(sws, frame.data(), frame.linesize(), 0, h, planes, strides);
    byte[] rgb = new byte[3 * w * h];
    for (int y = 0; y < h; y++) {
      buffer.position((long) y * stride).get(rgb, 3 * w * y, 3 * w);
    }
    buffer.position(0);
    return new RgbImage(w, h, rgb);
  }

  @Override
  public void close() {
    if (sws != null) {
      sws_freeContext(sws);
      sws = null;
    }
    buffer.close();
    planes.close();
    strides.close();
  }
}
