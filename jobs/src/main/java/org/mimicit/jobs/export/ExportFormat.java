package org.mimicit.jobs.export;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The formats of {@code export-shards --format}. */
public enum ExportFormat {
  /**
   * The MIMIC-IT release layout: {@code <TASK>/<TASK>.json}, {@code _instructions}, {@code _train}.
   */
  MIMICIT(null),
  /** {@code parquet/<TASK>/train-00000-of-0000N.parquet}. */
  PARQUET("parquet"),
  /** {@code webdataset/<TASK>/train-00000-of-0000N.tar}. */
  WEBDATASET("tar");

  private final String extension;

  ExportFormat(String extension) {
    this.extension = extension;
  }

  /** The name used in options, folders and the manifest. */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The path of shard {@code index} of {@code count}, relative to the export folder. */
  String shardPath(String task, int index, int count) {
    return String.format(
        Locale.ROOT, "%s/%s/train-%05d-of-%05d.%s", label(), task, index, count, extension);
  }

  static ExportFormat parse(String value) {
    for (ExportFormat f : values()) {
      if (f.label().equals(value.trim().toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        String.format(
            "Cannot export in format '%s': the formats are %s.",
            value,
            Arrays.stream(values()).map(ExportFormat::label).collect(Collectors.joining(", "))));
  }
}
