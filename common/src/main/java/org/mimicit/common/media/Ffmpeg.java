package org.mimicit.common.media;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;

/** FFmpeg set-up shared by the decoders: loaded once per JVM, its own logging kept quiet. */
final class Ffmpeg {
  private static volatile boolean ready;

  private Ffmpeg() {}

  /** Loads the native libraries (from the jar, once) and turns FFmpeg's stderr logging off. */
  static void init() {
    if (!ready) {
      synchronized (Ffmpeg.class) {
        if (!ready) {
          // Decoder errors are reported per file through return codes; FFmpeg's own log lines
          // (one per damaged frame) would flood the executors' stderr.
          avutil.av_log_set_level(avutil.AV_LOG_FATAL);
          ready = true;
        }
      }
    }
  }

  /** FFmpeg's text for an error code, e.g. "Invalid data found when processing input". */
  static String error(int code) {
    BytePointer buf = new BytePointer(256);
    try {
      avutil.av_strerror(code, buf, 256);
      String text = buf.getString();
      int end = text.indexOf('\0');
      return (end < 0 ? text : text.substring(0, end)).strip();
    } finally {
      buf.close();
    }
  }
}
