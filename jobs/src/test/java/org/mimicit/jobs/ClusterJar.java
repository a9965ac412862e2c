package org.mimicit.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The cluster jar the build made, and the end of a spark-submit log, for the submit tests. */
public final class ClusterJar {
  private ClusterJar() {}

  /** The {@code *-cluster.jar} in {@code target}. */
  public static Path in(Path target) throws IOException {
    try (Stream<Path> files = Files.list(target)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith("-cluster.jar"))
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "No cluster jar in " + target + ": run mvn package first"));
    }
  }

  /** The last 60 lines of {@code log}, for a failure message. */
  public static String tail(Path log) throws IOException {
    if (!Files.exists(log)) {
      return "(no log)";
    }
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }
}
