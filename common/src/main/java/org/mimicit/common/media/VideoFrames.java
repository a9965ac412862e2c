package org.mimicit.common.media;

import static org.mimicit.common.error.Preconditions.checkArgument;

import java.nio.ByteBuffer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * The sampled frames of one video file, decoded one at a time with FFmpeg (MP4/H.264, WebM/VP9, MKV
 * and whatever else FFmpeg reads), so memory is one frame however long the video. Frames that are
 * not kept are decoded but not converted to RGB. Not thread-safe; close it.
 */
public final class VideoFrames implements AutoCloseable {
  /** A kept frame: its index for the id, its time from the first frame, its pixels. */
  public record Sampled(long index, long micros, RgbImage image) {}

  private static final Pattern JAVACV_ERROR = Pattern.compile("(\\w+)\\(\\) error (-?\\d+)");
  private final FFmpegFrameGrabber grabber;
  private final double fps;
  private final FrameSampling sampling;
  private final double nativeFps;
  private final long interval;
  private long decoded;
  private long kept;
  private long nextSlot;
  private long firstMicros = Long.MIN_VALUE;

  /**
   * Opens a local video file.
   *
   * @throws MediaException with FFmpeg's message when it cannot be opened or has no video stream
   */
  public VideoFrames(String localPath, double fps, FrameSampling sampling) throws MediaException {
    checkArgument(fps > 0, "Cannot set --fps to %s: the value must be positive.", fps);
    Ffmpeg.init();
    this.fps = fps;
    this.sampling = sampling;
    grabber = new FFmpegFrameGrabber(localPath);
    grabber.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
    grabber.setVideoOption("threads", "1"); // Spark runs one task per core already
    try {
      grabber.start();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      close();
      throw new MediaException("cannot open: %s", decoderMessage(e));
    }
    Ffmpeg.init();
    if (grabber.getVideoStream() < 0 || grabber.getImageWidth() <= 0) {
      close();
      throw new MediaException("no video stream");
    }
    nativeFps = grabber.getFrameRate();
    if (!(nativeFps > 0)) {
      close();
      throw new MediaException("no frame rate in the video stream");
    }
    interval = Math.max(1, (long) Math.floor(nativeFps / fps));
  }

  /** The frame rate the container states (e.g. 29.97 for 30000/1001). */
  public double nativeFps() {
    return nativeFps;
  }

  /** Frames decoded so far, kept or not. */
  public long decodedFrames() {
    return decoded;
  }

  /**
   * The next kept frame, or null at the end of the video.
   *
   * @throws MediaException with FFmpeg's message when decoding fails part way
   */
  public Sampled next() throws MediaException {
    try {
      while (true) {
        boolean wanted = sampling == FrameSampling.TIMESTAMP || decoded % interval == 0;
        Frame frame = grabber.grabFrame(false, true, wanted, false, false);
        if (frame == null) {
          return null;
        }
        if (frame.image == null) {
          continue;
        }
        decoded++;
        if (firstMicros == Long.MIN_VALUE) {
          firstMicros = frame.timestamp;
        }
        long micros = frame.timestamp - firstMicros;
        if (sampling == FrameSampling.INDEX) {
          if (wanted) {
            return new Sampled(kept++, micros, rgb(frame));
          }
        } else {
          long slot = (long) Math.floor(micros * fps / 1e6 + 1e-9);
          if (slot >= nextSlot) {
            nextSlot = slot + 1;
            kept++;
            return new Sampled(slot, micros, rgb(frame));
          }
        }
      }
    } catch (FrameGrabber.Exception | RuntimeException e) {
      throw new MediaException("after %d decoded frames: %s", decoded, decoderMessage(e));
    }
  }

  /**
   * FFmpeg's text for the error code in javacv's message ({@code avformat_open_input() error
   * -1094995529: Could not open input "..."}): {@code avformat_open_input: Invalid data found when
   * processing input (error -1094995529)}. The local path is left out (the row names the source).
   */
  static String decoderMessage(Exception e) {
    String message = String.valueOf(e.getMessage());
    Matcher m = JAVACV_ERROR.matcher(message);
    if (m.find()) {
      int code = Integer.parseInt(m.group(2));
      return m.group(1) + ": " + Ffmpeg.error(code) + " (error " + code + ")";
    }
    return message;
  }

  private static RgbImage rgb(Frame frame) {
    int w = frame.imageWidth;
    int h = frame.imageHeight;
    ByteBuffer buf = (ByteBuffer) frame.image[0];
    int stride = frame.imageStride;
    byte[] rgb = new byte[3 * w * h];
    for (int y = 0; y < h; y++) {
      buf.get(y * stride, rgb, 3 * w * y, 3 * w);
    }
    return new RgbImage(w, h, rgb);
  }

  @Override
  public void close() {
    try {
      grabber.close();
    } catch (FrameGrabber.Exception e) {
      // nothing was written: closing a reader cannot lose data
    }
  }
}
