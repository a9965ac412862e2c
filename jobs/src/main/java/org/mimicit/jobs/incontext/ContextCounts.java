package org.mimicit.jobs.incontext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.AccumulatorV2;

/**
 * The per-task counts of the rows {@link ContextAssembly} builds, gathered while they are written
 * (no second pass over the table): instructions, context lengths, dangling relations, instructions
 * with missing images, self-references. Updated in the write's result tasks only, which Spark
 * merges once per partition whatever the retries.
 */
final class ContextCounts extends AccumulatorV2<ContextCounts.Row1, Map<String, long[]>> {
  private static final long serialVersionUID = 1L;

  static final int INSTRUCTIONS = 0;
  static final int CONTEXT_TOTAL = 1;
  static final int CONTEXT_MAX = 2;
  static final int DANGLING = 3;
  static final int WITH_MISSING_IMAGES = 4;
  static final int SELF_REFERENCES = 5;

  /** One built row: its task, context length, dangling ids, missing images, self-references. */
  record Row1(String task, int context, int dangling, boolean missingImages, int selfReferences)
      implements java.io.Serializable {}

  private final TreeMap<String, long[]> counts = new TreeMap<>();

  @Override
  public boolean isZero() {
    return counts.isEmpty();
  }

  @Override
  public AccumulatorV2<Row1, Map<String, long[]>> copy() {
    ContextCounts copy = new ContextCounts();
    copy.merge(this);
    return copy;
  }

  @Override
  public void reset() {
    counts.clear();
  }

  @Override
  public void add(Row1 row) {
    long[] c = counts.computeIfAbsent(row.task(), t -> new long[6]);
    c[INSTRUCTIONS]++;
    c[CONTEXT_TOTAL] += row.context();
    c[CONTEXT_MAX] = Math.max(c[CONTEXT_MAX], row.context());
    c[DANGLING] += row.dangling();
    c[WITH_MISSING_IMAGES] += row.missingImages() ? 1 : 0;
    c[SELF_REFERENCES] += row.selfReferences();
  }

  @Override
  public void merge(AccumulatorV2<Row1, Map<String, long[]>> other) {
    other
        .value()
        .forEach(
            (task, o) -> {
              long[] c = counts.computeIfAbsent(task, t -> new long[6]);
              for (int i = 0; i < c.length; i++) {
                c[i] = i == CONTEXT_MAX ? Math.max(c[i], o[i]) : c[i] + o[i];
              }
            });
  }

  @Override
  public Map<String, long[]> value() {
    return counts;
  }

  /**
   * The counts as rows by task: task, instructions, mean and max context length, dangling
   * relations, instructions with missing images (what {@link InContextOutput} writes and logs).
   */
  List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    counts.forEach(
        (task, c) ->
            rows.add(
                RowFactory.create(
                    task,
                    c[INSTRUCTIONS],
                    c[INSTRUCTIONS] == 0 ? null : (double) c[CONTEXT_TOTAL] / c[INSTRUCTIONS],
                    (int) c[CONTEXT_MAX],
                    c[DANGLING],
                    c[WITH_MISSING_IMAGES])));
    return rows;
  }

  /** Self-references per task (relations naming the instruction itself, dropped). */
  Map<String, Long> selfReferences() {
    Map<String, Long> out = new TreeMap<>();
    counts.forEach((task, c) -> out.put(task, c[SELF_REFERENCES]));
    return out;
  }
}
