package org.mimicit.common.media;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MJPEG;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

import java.util.Set;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * Decodes baseline and progressive YCbCr or grayscale JPEGs with FFmpeg's MJPEG decoder, at full
 * size or reduced by 2, 4 or 8 in the DCT ({@code lowres}), which skips most of the inverse
 * transform's work, as libjpeg's scaled decoding and Pillow's {@code draft} do. Other JPEGs (CMYK,
 * YCCK, 12-bit) come back as null, for ImageIO. One codec context per reduction, reused for every
 * image: not thread-safe, one instance per task.
 */
final class FfmpegJpegDecoder implements AutoCloseable {
  /** The largest DCT reduction, 1/8 (FFmpeg's MJPEG {@code lowres} 3). */
  static final int MAX_LOWRES = 3;

  private static final Set<Integer> YUV_OR_GRAY =
      Set.of(
          avutil.AV_PIX_FMT_YUVJ420P,
          avutil.AV_PIX_FMT_YUVJ422P,
          avutil.AV_PIX_FMT_YUVJ444P,
          avutil.AV_PIX_FMT_YUVJ440P,
          avutil.AV_PIX_FMT_YUVJ411P,
          avutil.AV_PIX_FMT_YUV420P,
          avutil.AV_PIX_FMT_YUV422P,
          avutil.AV_PIX_FMT_YUV444P,
          avutil.AV_PIX_FMT_YUV440P,
          avutil.AV_PIX_FMT_YUV411P,
          avutil.AV_PIX_FMT_GRAY8);

  private final AVCodecContext[] contexts = new AVCodecContext[MAX_LOWRES + 1];
  private final AVPacket packet;
  private final AVFrame frame;
  private final RgbConverter rgb = new RgbConverter();

  FfmpegJpegDecoder() {
    Ffmpeg.init();
    packet = av_packet_alloc();
    frame = av_frame_alloc();
  }

  /**
   * Decodes {@code jpeg} reduced by {@code 2^lowres}.
   *
   * @return the pixels, or null when the JPEG is not YCbCr or grayscale (left to ImageIO)
   * @throws MediaException when FFmpeg cannot decode it
   */
  RgbImage decode(byte[] jpeg, int lowres) throws MediaException {
    AVCodecContext ctx = context(lowres);
    int ret = av_new_packet(packet, jpeg.length);
    if (ret < 0) {
      throw new MediaException(
          "JPEG: cannot allocate %d bytes: %s", jpeg.length, Ffmpeg.error(ret));
    }
    try {
      packet.data().put(jpeg, 0, jpeg.length);
      ret = avcodec_send_packet(ctx, packet);
      if (ret < 0) {
        throw new MediaException("JPEG: %s", Ffmpeg.error(ret));
      }
      ret = avcodec_receive_frame(ctx, frame);
      if (ret < 0) {
        throw new MediaException("JPEG: %s", Ffmpeg.error(ret));
      }
      try {
        return YUV_OR_GRAY.contains(frame.format()) ? rgb.convert(frame) : null;
      } finally {
        av_frame_unref(frame);
      }
    } finally {
      av_packet_unref(packet);
    }
  }

  private AVCodecContext context(int lowres) throws MediaException {
    if (contexts[lowres] == null) {
      AVCodec codec = avcodec_find_decoder(AV_CODEC_ID_MJPEG);
      AVCodecContext ctx = avcodec_alloc_context3(codec);
      ctx.lowres(lowres);
      ctx.thread_count(1); // Spark runs one task per core already
      int ret = avcodec_open2(ctx, codec, (AVDictionary) null);
      if (ret < 0) {
        avcodec_free_context(ctx);
        throw new MediaException("JPEG: cannot open FFmpeg's MJPEG decoder: %s", Ffmpeg.error(ret));
      }
      contexts[lowres] = ctx;
    }
    return contexts[lowres];
  }

  @Override
  public void close() {
    for (int i = 0; i < contexts.length; i++) {
      if (contexts[i] != null) {
        avcodec_free_context(contexts[i]);
        contexts[i] = null;
      }
    }
    av_packet_free(packet);
    av_frame_free(frame);
    rgb.close();
  }
}
