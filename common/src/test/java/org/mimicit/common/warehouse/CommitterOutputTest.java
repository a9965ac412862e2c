package org.mimicit.common.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.lib.output.committer.manifest.ManifestCommitterFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed output on the local file system. With Hadoop's defaults file:// has no committer of
 * its own (the classic FileOutputCommitter): no CommitterOutput, WarehouseCommitter does the work.
 * With Hadoop's manifest committer named for file:// it runs the whole protocol on local disk: task
 * attempts, task commits, the job commit that replaces the run's partitions.
 */
class CommitterOutputTest {
  private static final List<String> TABLES = List.of("images", "rejected/images");

  @TempDir java.nio.file.Path root;
  private java.nio.file.Path warehouseDir;
  private String warehouse;
  private Configuration manifest;

  @BeforeEach
  void oldWarehouse() throws IOException {
    warehouseDir = root.resolve("warehouse");
    warehouse = "file://" + warehouseDir;
    old("images/task=A/part-old.parquet");
    old("images/task=B/part-old.parquet");
    old("images/task=C/part-old.parquet");
    old("rejected/images/task=A/part-old.parquet");
    manifest = new Configuration();
    manifest.set(
        "mapreduce.outputcommitter.factory.scheme.file", ManifestCommitterFactory.class.getName());
  }

  @Test
  void hasNoCommitterOnTheLocalFileSystemByDefault() throws IOException {
    assertThat(CommitterOutput.start(new Configuration(), warehouse)).isNull();
    assertThat(CommitterOutput.start(new Configuration(), warehouseDir.toString())).isNull();

    assertThat(everything())
        .containsExactly(
            "images/task=A/part-old.parquet", "images/task=B/part-old.parquet",
            "images/task=C/part-old.parquet", "rejected/images/task=A/part-old.parquet");
  }

  @Test
  void publishesCommittedTasksAndReplacesOnlyTheRunsPartitions() throws IOException {
    CommitterOutput output = CommitterOutput.start(manifest, warehouse);
    CommitterOutput.Task first = output.task(0, 0);
    write(first, "images/task=A/part-00000.parquet");
    write(first, "rejected/images/task=A/part-00000.parquet");
    first.commit();
    CommitterOutput.Task second = output.task(1, 0);
    write(second, "images/task=A/part-00001.parquet");
    second.commit();

    // nothing is visible before the job commits
    assertThat(content("images/task=A/part-old.parquet")).isEqualTo("old");
    assertThat(warehouseDir.resolve("images/task=A/part-00000.parquet")).doesNotExist();

    output.commit(WarehouseCommitter.partitions(TABLES, Set.of("A", "C")));

    assertThat(everything())
        .containsExactly(
            "images/task=A/part-00000.parquet", "images/task=A/part-00001.parquet",
            "images/task=B/part-old.parquet", "rejected/images/task=A/part-00000.parquet");
    assertThat(content("images/task=A/part-00001.parquet"))
        .matches("images/task=A/part-00001.parquet from attempt_mimicit[0-9a-z]+_0000_m_000001_0");
    // no job folder, no _SUCCESS marker
    assertThat(topLevel()).containsExactly("images", "rejected");
  }

  @Test
  void publishesOnlyTheLastCommittedAttemptOfATask() throws IOException {
    CommitterOutput output = CommitterOutput.start(manifest, warehouse);
    CommitterOutput.Task failed = output.task(0, 0);
    write(failed, "images/task=A/part-00000-first.parquet");
    failed.abort();
    CommitterOutput.Task speculative = output.task(0, 1);
    write(speculative, "images/task=A/part-00000-second.parquet");
    speculative.commit();
    CommitterOutput.Task retried = output.task(0, 2);
    write(retried, "images/task=A/part-00000-third.parquet");
    retried.commit();

    output.commit(WarehouseCommitter.partitions(List.of("images"), Set.of("A")));

    assertThat(everything())
        .containsExactly(
            "images/task=A/part-00000-third.parquet",
            "images/task=B/part-old.parquet",
            "images/task=C/part-old.parquet",
            "rejected/images/task=A/part-old.parquet");
  }

  @Test
  void abortPublishesNothingAndKeepsTheOldPartitions() throws IOException {
    CommitterOutput output = CommitterOutput.start(manifest, warehouse);
    CommitterOutput.Task task = output.task(0, 0);
    write(task, "images/task=A/part-00000.parquet");
    task.commit();

    output.abort();

    assertThat(everything())
        .containsExactly(
            "images/task=A/part-old.parquet", "images/task=B/part-old.parquet",
            "images/task=C/part-old.parquet", "rejected/images/task=A/part-old.parquet");
    assertThat(content("images/task=A/part-old.parquet")).isEqualTo("old");
    assertThat(topLevel()).containsExactly("images", "rejected");
  }

  @Test
  void deletesTheJobFoldersOfKilledRuns() throws IOException {
    Files.createDirectories(warehouseDir.resolve("__magic_job-killed/tasks"));
    Files.writeString(warehouseDir.resolve("__magic_job-killed/tasks/pending"), "upload");
    CommitterOutput output = CommitterOutput.start(manifest, warehouse);

    output.commit(List.of());

    assertThat(topLevel()).containsExactly("images", "rejected");
    assertThat(everything()).hasSize(4);
  }

  @Test
  void tagsTheFilesOfEachJobApart() throws IOException {
    String tag = CommitterOutput.start(manifest, warehouse).fileTag();

    assertThat(tag).matches("[0-9a-f]{8}");
    assertThat(CommitterOutput.start(manifest, warehouse).fileTag()).isNotEqualTo(tag);
  }

  /** A file of an earlier run in the warehouse. */
  private void old(String relative) throws IOException {
    Files.createDirectories(warehouseDir.resolve(relative).getParent());
    Files.writeString(warehouseDir.resolve(relative), "old");
  }

  /** Writes a file under the attempt's work path, as PartitionWriter does. */
  private static void write(CommitterOutput.Task task, String relative) throws IOException {
    Path file = new Path(task.workPath(), relative);
    java.nio.file.Path local = java.nio.file.Path.of(file.toUri().getPath());
    Files.createDirectories(local.getParent());
    Files.writeString(local, relative + " from " + task.workPath().getName());
  }

  private String content(String relative) throws IOException {
    return Files.readString(warehouseDir.resolve(relative));
  }

  /** The names in the warehouse folder, sorted. */
  private List<String> topLevel() throws IOException {
    try (Stream<java.nio.file.Path> list = Files.list(warehouseDir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Every file in the warehouse, relative, sorted. */
  private List<String> everything() throws IOException {
    TreeMap<String, Boolean> files = new TreeMap<>();
    try (Stream<java.nio.file.Path> walk = Files.walk(warehouseDir)) {
      walk.filter(Files::isRegularFile)
          .forEach(p -> files.put(warehouseDir.relativize(p).toString(), true));
    }
    return new ArrayList<>(files.keySet());
  }
}
