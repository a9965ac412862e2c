package org.mimicit.jobs.incontext;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
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
 * one instruction arrive together and in order ({@code task, ins_id, pos}), the instruction's own
 * entry first ({@code pos} -1, with its missing image ids), then its related ids in the given
 * order, each found or not and with the found one's missing image ids. Memory holds one
 * instruction's entries at a time.
 */
final class ContextAssembly implements MapPartitionsFunction<Row, Row> {
  /** Input: {@code task, ins_id, pos, rel_id, found, missing} (and a hash after them). */
  static final int TASK = 0;

  static final int INS_ID = 1;
  static final int POS = 2;
  static final int REL_ID = 3;
  static final int FOUND = 4;
  static final int MISSING = 5;

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

  ContextAssembly(int maxContext) {
    this.maxContext = maxContext;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> entries) {
    return new Iterator<>() {
      private Row next = entries.hasNext() ? entries.next() : null;

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Row next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        Row first = next;
        Instruction ins = new Instruction(first.getString(TASK), first.getString(INS_ID));
        do {
          ins.add(next);
          next = entries.hasNext() ? entries.next() : null;
        } while (next != null && ins.owns(next));
        return ins.row();
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

    Instruction(String task, String insId) {
      this.task = task;
      this.insId = insId;
    }

    boolean owns(Row entry) {
      return insId.equals(entry.getString(INS_ID)) && task.equals(entry.getString(TASK));
    }

    void add(Row entry) {
      if (entry.getInt(POS) < 0) {
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
      return RowFactory.create(
          insId,
          context.toArray(new String[0]),
          missingIds.toArray(new String[0]),
          missingImages.toArray(new String[0]),
          task);
    }
  }
}
