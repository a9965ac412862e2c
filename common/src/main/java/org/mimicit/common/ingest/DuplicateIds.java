package org.mimicit.common.ingest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.mimicit.common.ingest.PartitionWriter.LastOccurrence;

/**
 * Finds the ids that really occur more than once, for {@link WarehouseIngest}: first the id hashes
 * that repeat over the write tasks' reports, then, only for those, a pass over the key columns that
 * looks at the ids exactly and keeps where each one's last occurrence is.
 */
final class DuplicateIds {
  private DuplicateIds() {}

  /** Hashes that occur more than once over all partitions (each partition's are sorted). */
  static long[] repeatedHashes(List<PartitionResult> results) {
    int total = 0;
    for (PartitionResult r : results) {
      total += r.idHashes().length;
    }
    long[] all = new long[total];
    int n = 0;
    for (PartitionResult r : results) {
      System.arraycopy(r.idHashes(), 0, all, n, r.idHashes().length);
      n += r.idHashes().length;
    }
    Arrays.sort(all);
    long[] repeated = new long[16];
    int count = 0;
    for (int i = 1; i < all.length; i++) {
      if (all[i] == all[i - 1] && (count == 0 || repeated[count - 1] != all[i])) {
        if (count == repeated.length) {
          repeated = Arrays.copyOf(repeated, count * 2);
        }
        repeated[count++] = all[i];
      }
    }
    return Arrays.copyOf(repeated, count);
  }

  /**
   * The ids whose hash repeats, looked at exactly: where their last occurrence is. {@code keys} are
   * the positions of the task, id, source and source offset in the rows.
   */
  static Map<String, LastOccurrence> find(
      SparkSession spark, JavaRDD<InternalRow> rows, int[] keys, long[] repeatedHashes) {
    spark.sparkContext().setJobDescription("look at repeated ids");
    Broadcast<long[]> candidates =
        JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(repeatedHashes);
    List<Row> occurrences;
    try {
      occurrences =
          rows.mapPartitions(
                  (FlatMapFunction<Iterator<InternalRow>, Row>)
                      it -> {
                        long[] wanted = candidates.value();
                        List<Row> out = new ArrayList<>();
                        while (it.hasNext()) {
                          InternalRow r = it.next();
                          if (r.isNullAt(keys[1])) {
                            continue;
                          }
                          String task = r.getUTF8String(keys[0]).toString();
                          String id = r.getUTF8String(keys[1]).toString();
                          if (Arrays.binarySearch(wanted, IdHash.of(task, id)) >= 0) {
                            out.add(
                                RowFactory.create(
                                    task,
                                    id,
                                    r.getUTF8String(keys[2]).toString(),
                                    r.getLong(keys[3])));
                          }
                        }
                        return out.iterator();
                      })
              .collect();
    } finally {
      candidates.destroy();
    }
    Map<String, Integer> seen = new HashMap<>();
    Map<String, LastOccurrence> last = new HashMap<>();
    for (Row r : occurrences) {
      String key = PartitionWriter.key(r.getString(0), r.getString(1));
      seen.merge(key, 1, Integer::sum);
      LastOccurrence o = new LastOccurrence(r.getString(2), r.getLong(3));
      last.merge(key, o, (a, b) -> later(a, b) ? a : b);
    }
    last.keySet().removeIf(key -> seen.get(key) < 2);
    return last;
  }

  private static boolean later(LastOccurrence a, LastOccurrence b) {
    int bySource = a.source().compareTo(b.source());
    return bySource != 0 ? bySource > 0 : a.offset() > b.offset();
  }
}
