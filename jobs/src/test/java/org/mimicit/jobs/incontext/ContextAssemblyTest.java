package org.mimicit.jobs.incontext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

class ContextAssemblyTest {
  /** An instruction's own entry: (h, h2, -1, id, found, missing, self_refs, task, id). */
  private static Row own(long h, long h2, String task, String id, String... missing) {
    return RowFactory.create(h, h2, -1, id, true, list(missing), 0, task, id);
  }

  private static Row related(
      long h, long h2, int pos, String id, boolean found, String... missing) {
    return RowFactory.create(h, h2, pos, id, found, list(missing), 0, null, null);
  }

  private static scala.collection.immutable.Seq<String> list(String... ids) {
    return ids.length == 0
        ? null
        : scala.jdk.javaapi.CollectionConverters.asScala(Arrays.asList(ids)).toList();
  }

  private static List<String> fold(int max, Row... entries) {
    List<String> out = new ArrayList<>();
    Iterator<Row> rows = new ContextAssembly(max, null).call(Arrays.asList(entries).iterator());
    rows.forEachRemaining(
        r ->
            out.add(
                r.getString(4)
                    + "/"
                    + r.getString(0)
                    + " "
                    + Arrays.toString((Object[]) r.get(1))
                    + " missing="
                    + Arrays.toString((Object[]) r.get(2))
                    + " images="
                    + Arrays.toString((Object[]) r.get(3))));
    return out;
  }

  @Test
  void foldsEachInstructionInPositionOrderWhateverTheOrderItsEntriesCameIn() {
    assertThat(
            fold(
                2,
                related(1, 10, 2, "C", true, "c1"),
                related(1, 10, 0, "A", true, "a1", "z"),
                own(1, 10, "LA", "X", "z", "x1"),
                related(1, 10, 1, "GONE", false),
                related(1, 10, 3, "D", true, "d1"),
                own(2, 20, "LA", "Y")))
        .containsExactly(
            "LA/X [A, C] missing=[GONE] images=[a1, c1, x1, z]", // D is cut: d1 is not listed
            "LA/Y [] missing=[] images=[]");
  }

  @Test
  void keepsTwoInstructionsWhoseFirstHashesCollideApartByTheSecond() {
    assertThat(
            fold(
                7,
                related(5, 2, 0, "B", true),
                own(5, 1, "LA", "P"),
                related(5, 1, 0, "A", true),
                own(5, 2, "SD", "Q")))
        .containsExactlyInAnyOrder(
            "LA/P [A] missing=[] images=[]", "SD/Q [B] missing=[] images=[]");
  }

  @Test
  void refusesEntriesThatAreNotThoseOfOneInstruction() {
    assertThatThrownBy(() -> fold(7, own(9, 9, "LA", "P"), own(9, 9, "LA", "Q")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("report this as a bug");
    assertThatThrownBy(() -> fold(7, related(9, 9, 0, "A", true)))
        .isInstanceOf(IllegalStateException.class);
  }
}
