package org.mimicit.jobs.sources;

import java.io.Serializable;

/**
 * One unit of work the driver hands out: an image file, a video file, or a half Spot-the-Difference
 * pair (rejected as {@code missing_pair} without being read).
 *
 * @param kind what it is
 * @param path the file, as listed (local or {@code s3a://})
 * @param length its size in bytes, for balancing tasks
 * @param id the image id; for a video the prefix of its frames' ids ({@code <TASK>_IMG_<stem>})
 */
record SourceItem(Kind kind, String path, long length, String id) implements Serializable {
  enum Kind {
    IMAGE,
    VIDEO,
    HALF_PAIR
  }
}
