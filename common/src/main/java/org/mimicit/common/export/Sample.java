package org.mimicit.common.export;

import java.util.List;

/**
 * A WebDataset sample of the images-once layout: one image set (a video's frames, a photo, a pair)
 * with its images once, and every example (instruction and language) that uses exactly that set.
 *
 * @param key the sample key in its task: a zero-padded ordinal, unique within the task
 * @param images the set's images, by image id; two ids with the same content share one member
 * @param examples in (ins_id, lang) order
 */
public record Sample(String key, String task, List<SampleImage> images, List<Entry> examples) {
  /** An image of the set: {@code bytes} is the content, {@code sha256} its hash. */
  public record SampleImage(String imageId, String sha256, String format, byte[] bytes) {}

  /** An example of the sample: its pair in one language, context and images in its own order. */
  public record Entry(
      String insId,
      String lang,
      String instruction,
      String answer,
      List<Example.ContextEntry> context,
      List<String> imageIds) {}
}
