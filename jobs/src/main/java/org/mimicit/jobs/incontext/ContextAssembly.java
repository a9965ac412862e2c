package org.mimicit.jobs.incontext;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.mimicit.common.schema.InContextSchema;
import org.mimicit.common.warehouse.Partitions;

/**
 * Builds the in-context rows from the relation entries of a partition, streaming: the entries of
 * one instruction arrive together (sorted by a hash of task and id; a run of one hash is put in
 * {@code pos} order here), the instruction's own entry ({@code pos} -1, with its missing image
 * ids), then its related ids in the given order, each found or not and with the found one's missing
 * image ids. Memory holds one instruction's entries at a time.
 */
final class ContextAssembly implements MapPartitionsFunction<Row, Row> {
  /**
   * Input: {@code h, h2, pos, rel_id, found, missing, self_refs, task, ins_id}, sorted by {@code
   * h}; (h, h2) are two hashes of the instruction's (task, ins_id), which only its own entry
   * ({@code pos} -1) carries, with {@code self_refs}.
   */
  static final int HASH = 0;

  static final int HASH2 = 1;
  static final int POS = 2;
  static final int REL_ID = 3;
  static final int FOUND = 4;
  static final int MISSING = 5;
  static final int SELF_REFERENCES = 6;
  static final int TASK = 7;
  static final int INS_ID = 8;

  /** Output: the {@code incontext} table's columns, with {@code task} last. */
  static final StructType SCHEMA =
      new StructType()
          .add(InContextSchema.INS_ID, DataTypes.StringType, false)
          .add(InContextSchema.CONTEXT_INS_IDS, new ArrayType(DataTypes.StringType, false), false)
          .add(InContextSchema.MISSING_INS_IDS, new ArrayType(DataTypes.StringType, false), false)
          .add(InContextSchema.MISSING_IMAGE_IDS, new ArrayType(DataTypes.StringType, false), false)
          .add(Partitions.TASK, DataTypes.StringType, false);

  private static final long serialVersionUID = 1L;

  private final int maxContext;
  private final ContextCounts counts;

  /** {@code counts}, if not null, counts the rows built. */
  ContextAssembly(int maxContext, ContextCounts counts) {
    this.maxContext = maxContext;
    this.counts = counts;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> entries) {
    return new Iterator<>() {
      private Row next = entries.hasNext() ? entries.next() : null;
      private final ArrayDeque<Row> ready = new ArrayDeque<>();

      @Override
      public boolean hasNext() {
        return !ready.isEmpty() || next != null;
      }

      @Override
      public Row next() {
        if (ready.isEmpty()) {
          if (next == null) {
            throw new NoSuchElementException();
          }
          List<Row> run = new ArrayList<>();
          long hash = next.getLong(HASH);
          do {
            run.add(next);
            next = entries.hasNext() ? entries.next() : null;
          } while (next != null && next.getLong(HASH) == hash);
          fold(run);
        }
        return ready.poll();
      }

      /**
       * A run of one hash: one instruction, or (a 64-bit collision) several, told apart by the
       * second hash; each folded.
       */
      private void fold(List<Row> run) {
        Map<Long, List<Row>> byInstruction = new LinkedHashMap<>();
        for (Row entry : run) {
          byInstruction.computeIfAbsent(entry.getLong(HASH2), k -> new ArrayList<>()).add(entry);
        }
        for (List<Row> rows : byInstruction.values()) {
          rows.sort(Comparator.comparingInt(r -> r.getInt(POS)));
          Row own = rows.get(0);
          if (own.getInt(POS) >= 0 || rows.size() > 1 && rows.get(1).getInt(POS) < 0) {
            throw new IllegalStateException(
                String.format(
                    "join-incontext: the entries of hash %016x/%016x are not those of one"
                        + " instruction (%s); report this as a bug",
                    own.getLong(HASH), own.getLong(HASH2), rows.get(0)));
          }
          Instruction ins = new Instruction(own.getString(TASK), own.getString(INS_ID));
          rows.forEach(ins::add);
          ready.add(ins.row());
        }
      }
    };
  }

  /** The entries of one instruction, folded into its row. */
  private final class Instruction {
    private final String task;
    private final String insId;
    private final List<String> context = new ArrayList<>();
    private final List<String> missingIds = new ArrayList<>();
    private final TreeSet<String> missingImages = new TreeSet<>();
    private int selfReferences;

    Instruction(String task, String insId) {
      this.task = task;
      this.insId = insId;
    }

    void add(Row entry) {
      if (entry.getInt(POS) < 0) {
        selfReferences = entry.getInt(SELF_REFERENCES);
        addMissingImages(entry);
      } else if (!entry.getBoolean(FOUND)) {
        missingIds.add(entry.getString(REL_ID));
      } else if (context.size() < maxContext) {
        context.add(entry.getString(REL_ID));
        addMissingImages(entry);
      }
    }

    private void addMissingImages(Row entry) {
      if (!entry.isNullAt(MISSING)) {
        for (Object id : entry.getList(MISSING)) {
          missingImages.add(Objects.toString(id));
        }
      }
    }

    Row row() {
      if (counts != null) {
        counts.add(
            new ContextCounts.Row1(
                task, context.size(), missingIds.size(), !missingImages.isEmpty(), selfReferences));
      }
      return RowFactory.create(
          insId,
          context.toArray(new String[0]),
          missingIds.toArray(new String[0]),
          missingImages.toArray(new String[0]),
          task);
    }
  }
}
