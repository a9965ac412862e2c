package org.mimicit.jobs.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.testing.SparkTestBase;
import org.mimicit.common.testing.TestImages;
import org.mimicit.jobs.ChildJvm;
import org.mimicit.jobs.ingest.IngestConfig;

/** A job killed with SIGKILL in the middle of writing leaves the previous output as it was. */
class ConvertImagesKillIT extends SparkTestBase {
  @TempDir Path tmp;

  @Test
  void aKilledRunLeavesThePreviousOutputAndCanBeRunAgain() throws Exception {
    Path input = tmp.resolve("in");
    Path task = Files.createDirectories(input.resolve("LA"));
    String warehouse = tmp.resolve("wh").toString();
    byte[] png = TestImages.image("png", 37, 23, 1);
    Files.writeString(
        task.resolve("LA.json"),
        "{\"LA_IMG_before\": \"" + Base64.getEncoder().encodeToString(png) + "\"}");
    IngestConfig config = new IngestConfig(input.toString(), warehouse, Set.of(), 0.05);
    ConvertImagesJob.run(spark, config);
    List<String> before = images(warehouse);
    String statsBefore = Files.readString(Path.of(warehouse, "_stats", "convert-images.json"));

    writeLargeInput(task.resolve("LA.json"), png, 60, 3_000_000);
    Process child = startJob(input, warehouse);
    Path staging = Path.of(warehouse, "_staging");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!hasStagedParquet(staging) && child.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(child.isAlive()).as("the job must still run when it is killed").isTrue();
    assertThat(hasStagedParquet(staging)).isTrue();
    child.destroyForcibly(); // SIGKILL: no shutdown hooks, no clean-up
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(images(warehouse)).isEqualTo(before);
    assertThat(Files.readString(Path.of(warehouse, "_stats", "convert-images.json")))
        .isEqualTo(statsBefore);

    var result = ConvertImagesJob.run(spark, config);
    assertThat(result.rowsOut()).isEqualTo(60);
    assertThat(images(warehouse)).hasSize(60).allMatch(r -> r.startsWith("LA/LA_IMG_big_"));
  }

  private static List<String> images(String warehouse) {
    return spark.read().parquet(warehouse + "/images").collectAsList().stream()
        .map(r -> r.getAs("task") + "/" + r.getAs("image_id") + "/" + r.getAs("sha256"))
        .sorted()
        .collect(Collectors.toList());
  }

  private static void writeLargeInput(Path file, byte[] png, int records, int size)
      throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
      out.write("{");
      for (int i = 0; i < records; i++) {
        byte[] image = Arrays.copyOf(png, size); // a real PNG header followed by filler bytes
        image[size - 1] = (byte) i;
        out.write((i == 0 ? "" : ",") + "\"LA_IMG_big_" + i + "\": \"");
        out.write(Base64.getEncoder().encodeToString(image));
        out.write("\"");
      }
      out.write("}");
    }
  }

  private static boolean hasStagedParquet(Path staging) throws IOException {
    if (!Files.isDirectory(staging)) {
      return false;
    }
    try (Stream<Path> files = Files.walk(staging)) {
      return files.anyMatch(p -> p.getFileName().toString().endsWith(".parquet"));
    }
  }

  private static Process startJob(Path input, String warehouse) throws IOException {
    return ChildJvm.start(
        "local[1]",
        "convert-images",
        "--input",
        input.toString(),
        "--warehouse",
        warehouse,
        "--conf",
        "spark.sql.files.maxPartitionBytes=8388608");
  }
}
