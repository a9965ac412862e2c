package org.mimicit.jobs.export;

import java.util.Locale;

/** How the Parquet shards hold images: {@code export-shards --image-layout}. */
public enum ImageLayout {
  /**
   * Every image's bytes once per export, keyed by SHA-256, in {@code parquet/images/}; example rows
   * refer to their images by {@code image_id} and {@code sha256}.
   */
  ONCE("once"),
  /** Each example row holds its images' bytes (a copy per example and language). */
  PER_EXAMPLE("per-example");

  private final String label;

  ImageLayout(String label) {
    this.label = label;
  }

  /** The name used in the option and the stats. */
  public String label() {
    return label;
  }

  static ImageLayout parse(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    for (ImageLayout l : values()) {
      if (l.label.equals(v)) {
        return l;
      }
    }
    throw new IllegalArgumentException(
        String.format(
            "Cannot use --image-layout '%s': the layouts are once (each image's bytes once, by"
                + " SHA-256, in parquet/images/) and per-example (the bytes in every example row).",
            value));
  }
}
