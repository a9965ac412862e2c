package org.mimicit.jobs.report;

import static org.apache.spark.sql.functions.udf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * Histogram bins given by their lower bounds (ascending, the first 0): bin i holds the values v
 * with {@code bounds[i] <= v < bounds[i + 1]}, the last bin everything from its bound up.
 */
final class Buckets {
  /** Lengths and counts: 0, 1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, ... up to 10^7. */
  static final Buckets COUNTS = new Buckets(logSteps(10_000_000L), false);

  /** Small counts (context examples, images per instruction): each of 0..10, then 1-2-5 steps. */
  static final Buckets SMALL_COUNTS =
      new Buckets(
          new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20, 50, 100, 200, 500, 1000}, false);

  /** Pixels: common image sizes. */
  static final Buckets PIXELS =
      new Buckets(
          new long[] {
            0, 64, 128, 224, 256, 320, 384, 480, 512, 640, 720, 800, 1024, 1280, 1600, 2048, 4096
          },
          false);

  /** Bytes: powers of two from 1 KiB to 64 MiB. */
  static final Buckets BYTES = new Buckets(powersOfTwoBytes(), true);

  private final long[] bounds;
  private final boolean inBytes;

  Buckets(long[] bounds, boolean inBytes) {
    this.bounds = bounds.clone();
    this.inBytes = inBytes;
  }

  int size() {
    return bounds.length;
  }

  /** The bin of {@code value} (a long column) as an int column (null for null). */
  Column index(Column value) {
    long[] b = bounds;
    return udf((UDF1<Long, Integer>) v -> v == null ? null : index(b, v), DataTypes.IntegerType)
        .apply(value.cast("long"));
  }

  /** The bin of {@code v}. */
  int of(long v) {
    return index(bounds, v);
  }

  /** The bin of {@code v}: a binary search of the lower bounds (values below 0 go to bin 0). */
  static int index(long[] bounds, long v) {
    int i = Arrays.binarySearch(bounds, v);
    return i >= 0 ? i : Math.max(0, -i - 2);
  }

  /** The label of bin {@code i}: "10–19", "7", "≥ 4096", "1 KiB–2 KiB". */
  String label(int i) {
    if (i == bounds.length - 1) {
      return "≥ " + (inBytes ? bytes(bounds[i]) : plain(bounds[i]));
    }
    long low = bounds[i];
    long high = bounds[i + 1];
    if (inBytes) {
      return bytes(low) + "–" + bytes(high);
    }
    return high - 1 == low ? plain(low) : plain(low) + "–" + plain(high - 1);
  }

  /** The labels of bins {@code from} to {@code to}, both included. */
  List<String> labels(int from, int to) {
    List<String> labels = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      labels.add(label(i));
    }
    return labels;
  }

  static String plain(long n) {
    return String.format(Locale.ROOT, "%d", n);
  }

  static String bytes(long n) {
    if (n >= 1L << 30 && n % (1L << 30) == 0) {
      return (n >> 30) + " GiB";
    }
    if (n >= 1L << 20 && n % (1L << 20) == 0) {
      return (n >> 20) + " MiB";
    }
    if (n >= 1L << 10 && n % (1L << 10) == 0) {
      return (n >> 10) + " KiB";
    }
    return n + " B";
  }

  private static long[] logSteps(long max) {
    List<Long> b = new ArrayList<>(List.of(0L, 1L, 2L, 3L, 5L, 7L));
    for (long p = 10; p <= max; p *= 10) {
      b.add(p);
      b.add(p * 3 / 2);
      b.add(2 * p);
      b.add(3 * p);
      b.add(5 * p);
      b.add(7 * p);
    }
    return b.stream().mapToLong(Long::longValue).toArray();
  }

  private static long[] powersOfTwoBytes() {
    List<Long> b = new ArrayList<>(List.of(0L));
    for (long p = 1L << 10; p <= 1L << 26; p <<= 1) {
      b.add(p);
    }
    return b.stream().mapToLong(Long::longValue).toArray();
  }
}
