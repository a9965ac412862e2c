package org.mimicit.jobs.export;

import static org.mimicit.common.error.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code export-shards} exports; validated on construction.
 *
 * @param formats distinct, in the order asked
 * @param tasks empty for all
 * @param languages empty for {@code en} and every translated language
 * @param shardBytes the target size of a shard
 * @param imageLayout how the Parquet shards hold images
 */
public record ExportShardsConfig(
    String warehouse,
    String output,
    List<ExportFormat> formats,
    List<String> tasks,
    List<String> languages,
    long shardBytes,
    ImageLayout imageLayout) {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(|B|K|KB|KIB|M|MB|MIB|G|GB|GIB|T|TB|TIB)");
  private static final Pattern LANG = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{2,8})?");

  /** The smallest shard size: below it per-file overhead dominates. */
  static final long MIN_SHARD_BYTES = 16 << 10;

  public ExportShardsConfig {
    checkArgument(
        warehouse != null && !warehouse.isBlank(), "Cannot export: --warehouse is empty.");
    checkArgument(output != null && !output.isBlank(), "Cannot export: --output is empty.");
    checkArgument(formats != null && !formats.isEmpty(), "Cannot export: no --format.");
    checkArgument(
        shardBytes >= MIN_SHARD_BYTES,
        "Cannot set --shard-size to %s bytes, the value must be at least %s (16K).",
        shardBytes,
        MIN_SHARD_BYTES);
    for (String t : tasks) {
      checkArgument(
          !t.isBlank() && !t.contains("/") && !t.contains("="),
          "Cannot use task name '%s': a task is a folder name without '/' or '='.",
          t);
      checkArgument(
          !formats.contains(ExportFormat.MIMICIT) || !List.of("parquet", "webdataset").contains(t),
          "Cannot export task '%s' in the mimicit format: its folder would be the %s shards'.",
          t,
          t);
      checkArgument(
          !ImageShards.FOLDER.equals(t) || !formats.contains(ExportFormat.PARQUET),
          "Cannot export task '%s' in the parquet format: parquet/%s/ holds the image shards.",
          t,
          t);
    }
    for (String l : languages) {
      checkArgument(
          LANG.matcher(l).matches(),
          "Cannot use language '%s': expected a code such as en, zh, ja, pt-BR.",
          l);
    }
    checkArgument(imageLayout != null, "Cannot export: no --image-layout.");
    formats = List.copyOf(formats.stream().distinct().toList());
    tasks = List.copyOf(tasks);
    languages = List.copyOf(languages.stream().distinct().toList());
  }

  /** Every format, task and language, 256MB shards, each image once. */
  public static ExportShardsConfig defaults(String warehouse, String output) {
    return new ExportShardsConfig(
        warehouse,
        output,
        List.of(ExportFormat.values()),
        List.of(),
        List.of(),
        256L << 20,
        ImageLayout.ONCE);
  }

  /** Whether the Parquet shards refer to their images (the images-once layout). */
  boolean referencing() {
    return imageLayout == ImageLayout.ONCE;
  }

  /** The config from command-line values. */
  static ExportShardsConfig parse(
      String warehouse,
      String output,
      List<String> formats,
      List<String> tasks,
      List<String> languages,
      String shardSize,
      String imageLayout) {
    List<ExportFormat> parsed = new ArrayList<>();
    for (String f : formats) {
      parsed.add(ExportFormat.parse(f));
    }
    return new ExportShardsConfig(
        warehouse,
        output,
        parsed,
        tasks,
        languages,
        parseSize(shardSize),
        ImageLayout.parse(imageLayout));
  }

  /** Bytes from {@code 256MB}, {@code 1G}, {@code 500000}: K, M, G, T are powers of 1024. */
  static long parseSize(String value) {
    Matcher m = SIZE.matcher(value == null ? "" : value.trim().toUpperCase(Locale.ROOT));
    checkArgument(
        m.matches(),
        "Cannot set --shard-size to '%s': expected a size such as 256MB, 1G or 500000.",
        value);
    String unit = m.group(2);
    int shift = unit.isEmpty() || unit.equals("B") ? 0 : 10 * ("KMGT".indexOf(unit.charAt(0)) + 1);
    long number = Long.parseLong(m.group(1));
    checkArgument(
        number < (Long.MAX_VALUE >> shift), "Cannot set --shard-size to '%s': too large.", value);
    return number << shift;
  }
}
