package org.mimicit.common.media;

import java.util.Locale;

/** How video frames are picked at {@code fps} frames a second. */
public enum FrameSampling {
  /**
   * As the original Convert-It (OpenCV): every {@code floor(native fps / fps)}-th decoded frame,
   * counted from 0; the frame index in the id counts the kept frames (0, 1, 2, ...).
   */
  INDEX,
  /**
   * Exact time: for each slot {@code k} the first frame whose time from the first frame is at least
   * {@code k / fps} seconds; the frame index in the id is the slot {@code k}.
   */
  TIMESTAMP;

  /** The option value: {@code index} or {@code timestamp}. */
  public String optionValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
