package org.mimicit.common.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WarehouseIngestTest {
  private static PartitionResult hashes(long... sorted) {
    return new PartitionResult(List.of(), Map.of(), sorted);
  }

  @Test
  void findsHashesRepeatedWithinAndAcrossPartitionsOnce() {
    long[] repeated =
        DuplicateIds.repeatedHashes(
            List.of(hashes(-5, 1, 1, 1, 7), hashes(2, 7, 9), hashes(), hashes(-5)));
    assertThat(repeated).containsExactly(-5, 1, 7);
  }

  @Test
  void findsNothingWhenEveryIdIsDistinct() {
    assertThat(DuplicateIds.repeatedHashes(List.of(hashes(1, 2), hashes(3)))).isEmpty();
  }

  @Test
  void hashesTaskAndIdApart() {
    assertThat(IdHash.of("LA", "x")).isEqualTo(IdHash.of("LA", "x"));
    assertThat(IdHash.of("LA", "x")).isNotEqualTo(IdHash.of("SD", "x"));
    assertThat(IdHash.of("L", "Ax")).isNotEqualTo(IdHash.of("LA", "x"));
  }
}
