package org.mimicit.common.testing;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/** Real encoded videos for fixtures, made with FFmpeg's own encoders (OpenH264, libvpx). */
public final class TestVideos {
  private TestVideos() {}

  /** An H.264 MP4 of {@code frames} frames at {@code num/den} frames a second. */
  public static Path h264(Path file, int width, int height, int num, int den, int frames) {
    return write(file, "mp4", "libopenh264", width, height, num, den, frames);
  }

  /** A VP9 WebM of {@code frames} frames at {@code num/den} frames a second. */
  public static Path vp9(Path file, int width, int height, int num, int den, int frames) {
    return write(file, "webm", "libvpx-vp9", width, height, num, den, frames);
  }

  private static Path write(
      Path file, String format, String codec, int width, int height, int num, int den, int frames) {
    avutil.av_log_set_level(avutil.AV_LOG_FATAL);
    Java2DFrameConverter converter = new Java2DFrameConverter();
    try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toString(), width, height, 0)) {
      r.setFormat(format);
      r.setVideoCodecName(codec);
      r.setFrameRate((double) num / den);
      r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      r.setVideoBitrate(200_000);
      r.setGopSize(30);
      r.start();
      for (int i = 0; i < frames; i++) {
        r.record(converter.convert(frame(width, height, i)));
      }
      r.stop();
    } catch (FrameRecorder.Exception e) {
      throw new IllegalStateException("Cannot write test video " + file + ": " + e.getMessage(), e);
    }
    return file;
  }

  /** A gradient with a square moving across it, so frames differ. */
  static BufferedImage frame(int width, int height, int i) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = img.createGraphics();
    g.setPaint(
        new GradientPaint(0, 0, new Color(30, 60, 200), width, height, new Color(250, 200, 40)));
    g.fillRect(0, 0, width, height);
    g.setColor(Color.WHITE);
    int side = Math.max(4, height / 4);
    g.fillRect((i * 7) % Math.max(1, width - side), height / 3, side, side);
    g.dispose();
    return img;
  }
}
