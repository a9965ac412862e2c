package org.mimicit.common.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.error.MimicitException;

/**
 * Commits on the local file system (file://, Hadoop's LocalFileSystem): files staged per task
 * attempt as an ingest run leaves them, partitions swapped in by renames.
 */
class WarehouseCommitterTest {
  private static final Configuration CONF = new Configuration();
  private static final List<String> TABLES = List.of("images", "rejected/images");

  @TempDir java.nio.file.Path root;
  private java.nio.file.Path warehouseDir;
  private String warehouse;
  private Path staging;

  @BeforeEach
  void oldWarehouse() throws IOException {
    warehouseDir = root.resolve("warehouse");
    warehouse = "file://" + warehouseDir;
    old("images/task=A/part-old-1.parquet");
    old("images/task=A/part-old-2.parquet");
    old("images/task=B/part-old-1.parquet");
    old("images/task=C/part-old-1.parquet");
    old("rejected/images/task=A/part-old-1.parquet");
    old("rejected/images/task=C/part-old-1.parquet");
    staging = WarehouseCommitter.newStaging(warehouse, "images");
  }

  @Test
  void replacesThePartitionsOfTheRunsTasksAndNoOthers() throws IOException {
    List<WrittenPart> parts =
        List.of(
            staged(0, "images", "A", "part-00000-a.parquet"),
            staged(1, "images", "A", "part-00001-a.parquet"),
            staged(1, "rejected/images", "A", "part-00001-r.parquet"));

    WarehouseCommitter.commit(CONF, warehouse, staging, TABLES, Set.of("A"), parts);

    assertThat(files("images/task=A"))
        .containsExactly(
            "part-00000-a.parquet: new images A from attempt 0",
            "part-00001-a.parquet: new images A from attempt 1");
    assertThat(files("rejected/images/task=A"))
        .containsExactly("part-00001-r.parquet: new rejected/images A from attempt 1");
    assertThat(files("images/task=B")).containsExactly("part-old-1.parquet: old images/task=B");
    assertThat(files("images/task=C")).containsExactly("part-old-1.parquet: old images/task=C");
    assertThat(files("rejected/images/task=C"))
        .containsExactly("part-old-1.parquet: old rejected/images/task=C");
    // the staged files moved: nothing is left in the attempts' folders
    assertThat(regularFiles(local(staging))).isEmpty();
  }

  @Test
  void removesTheOldPartitionOfARunTaskWithoutRows() throws IOException {
    List<WrittenPart> parts = List.of(staged(0, "images", "A", "part-00000-a.parquet"));

    WarehouseCommitter.commit(CONF, warehouse, staging, TABLES, Set.of("A", "C", "D"), parts);

    assertThat(files("images/task=A"))
        .containsExactly("part-00000-a.parquet: new images A from attempt 0");
    assertThat(warehouseDir.resolve("rejected/images/task=A")).doesNotExist();
    assertThat(warehouseDir.resolve("images/task=C")).doesNotExist();
    assertThat(warehouseDir.resolve("rejected/images/task=C")).doesNotExist();
    // no empty folders for partitions that get nothing
    assertThat(warehouseDir.resolve("images/task=D")).doesNotExist();
    assertThat(WarehouseCommitter.tasksOf(CONF, new Path(warehouse, "images")))
        .containsExactly("A", "B");
    assertThat(WarehouseCommitter.tasksOf(CONF, new Path(warehouse, "rejected/images"))).isEmpty();
  }

  @Test
  void createsTheTablesOfAFirstRun() throws IOException {
    warehouseDir = root.resolve("new-warehouse");
    warehouse = "file://" + warehouseDir;
    staging = WarehouseCommitter.newStaging(warehouse, "images");
    List<WrittenPart> parts = List.of(staged(0, "rejected/images", "B", "part-00000-r.parquet"));

    WarehouseCommitter.commit(CONF, warehouse, staging, TABLES, Set.of("A", "B"), parts);

    assertThat(files("rejected/images/task=B"))
        .containsExactly("part-00000-r.parquet: new rejected/images B from attempt 0");
    assertThat(warehouseDir.resolve("images")).doesNotExist();
  }

  @Test
  void keepsEveryOldPartitionWhenAStagedFileIsMissing() throws IOException {
    WrittenPart first = staged(0, "images", "A", "part-00000-a.parquet");
    WrittenPart lost = staged(1, "images", "A", "part-00001-a.parquet");
    WrittenPart rejected = staged(1, "rejected/images", "A", "part-00001-r.parquet");
    Files.delete(local(new Path(lost.path())));

    assertThatThrownBy(
            () ->
                WarehouseCommitter.commit(
                    CONF,
                    warehouse,
                    staging,
                    TABLES,
                    Set.of("A", "C"),
                    List.of(first, lost, rejected)))
        .isInstanceOf(MimicitException.class)
        .hasCauseInstanceOf(IOException.class)
        .satisfies(
            e ->
                assertThat(e)
                    .hasMessage(
                        "Cannot commit the output in "
                            + warehouse
                            + ": "
                            + e.getCause().getMessage()
                            + ". The staged files are in "
                            + staging
                            + "."))
        .satisfies(e -> assertThat(e.getCause().getMessage()).contains(lost.path()));

    assertThat(files("images/task=A"))
        .containsExactly(
            "part-old-1.parquet: old images/task=A", "part-old-2.parquet: old images/task=A");
    assertThat(files("images/task=C")).containsExactly("part-old-1.parquet: old images/task=C");
    assertThat(files("rejected/images/task=A"))
        .containsExactly("part-old-1.parquet: old rejected/images/task=A");
    // what was staged is still in the staging folder, as the message says
    assertThat(regularFiles(local(staging)))
        .extracting(p -> p.getFileName().toString())
        .containsExactlyInAnyOrder("part-00000-a.parquet", "part-00001-r.parquet");
  }

  @Test
  void swapReplacesAssembledPartitionsAndRemovesTheOthers() throws IOException {
    Path assembled = new Path(WarehouseCommitter.assembled(staging, "images/task=A"), "p.parquet");
    write(local(assembled), "assembled A");
    FileSystem fs = staging.getFileSystem(CONF);

    WarehouseCommitter.swap(fs, warehouse, staging, List.of("images/task=A", "images/task=C"));

    assertThat(files("images/task=A")).containsExactly("p.parquet: assembled A");
    assertThat(warehouseDir.resolve("images/task=C")).doesNotExist();
    assertThat(files("images/task=B")).containsExactly("part-old-1.parquet: old images/task=B");
    assertThat(local(WarehouseCommitter.assembled(staging, "images/task=A"))).doesNotExist();
  }

  @Test
  void listsTheTasksOfTaskFoldersOnly() throws IOException {
    Files.createDirectories(warehouseDir.resolve("images/_staging"));
    Files.createDirectories(warehouseDir.resolve("images/other=X"));
    write(warehouseDir.resolve("images/task=F"), "a file, not a partition");

    assertThat(WarehouseCommitter.tasksOf(CONF, new Path(warehouse, "images")))
        .containsExactly("A", "B", "C");
    assertThat(WarehouseCommitter.tasksOf(CONF, new Path(warehouse, "missing"))).isEmpty();
  }

  @Test
  void stagesEachRunInAFolderOfItsOwn() {
    Path other = WarehouseCommitter.newStaging(warehouse, "images");

    assertThat(staging.toString())
        .matches(
            "file:" + warehouseDir + "/_staging/images-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}");
    assertThat(other).isNotEqualTo(staging);
    assertThat(WarehouseCommitter.assembled(staging, "rejected/images"))
        .isEqualTo(new Path(staging, "_commit/rejected/images"));
  }

  @Test
  void deletesTheStagingRootOnlyWhenNoOtherRunUsesIt() throws IOException {
    Path other = WarehouseCommitter.newStaging(warehouse, "instructions");
    staged(0, "images", "A", "part-00000-a.parquet");
    write(local(new Path(other, "attempt/file.parquet")), "other run");

    WarehouseCommitter.deleteStaging(CONF, staging);

    assertThat(local(staging)).doesNotExist();
    assertThat(local(other)).exists();

    WarehouseCommitter.deleteStaging(CONF, other);

    assertThat(warehouseDir.resolve("_staging")).doesNotExist();
    assertThat(files("images/task=A")).hasSize(2);
  }

  @Test
  void renamesInPlaceOnTheLocalFileSystem() throws IOException {
    assertThat(WarehouseCommitter.renameCopies(FileSystem.getLocal(CONF))).isFalse();
    assertThat(WarehouseCommitter.renameCopies(FileSystem.getLocal(CONF).getRaw())).isFalse();
  }

  /** A file of an earlier run in the warehouse, whose content names it. */
  private void old(String relative) throws IOException {
    String partition = relative.substring(0, relative.lastIndexOf('/'));
    write(warehouseDir.resolve(relative), "old " + partition);
  }

  /** A file a task attempt wrote into the staging folder, as PartitionWriter lays them out. */
  private WrittenPart staged(int attempt, String table, String task, String name)
      throws IOException {
    Path file =
        new Path(
            staging, String.format("attempt-0-%05d-0/%s/task=%s/%s", attempt, table, task, name));
    String content = "new " + table + " " + task + " from attempt " + attempt;
    write(local(file), content);
    return new WrittenPart(table, task, file.toString(), name, 1, content.length());
  }

  /** The files of a partition, sorted, as {@code name: content}. */
  private List<String> files(String partition) throws IOException {
    TreeMap<String, String> files = new TreeMap<>();
    try (Stream<java.nio.file.Path> list = Files.list(warehouseDir.resolve(partition))) {
      for (java.nio.file.Path p : list.toList()) {
        files.put(p.getFileName().toString(), Files.readString(p));
      }
    }
    List<String> lines = new ArrayList<>();
    files.forEach((name, content) -> lines.add(name + ": " + content));
    return lines;
  }

  private static List<java.nio.file.Path> regularFiles(java.nio.file.Path dir) throws IOException {
    try (Stream<java.nio.file.Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).toList();
    }
  }

  private static void write(java.nio.file.Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  private static java.nio.file.Path local(Path path) {
    return java.nio.file.Path.of(path.toUri().getPath());
  }
}
