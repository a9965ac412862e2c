package org.mimicit.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Runs a command of {@link Main} in a JVM of its own (to be killed), and reads what it left. */
public final class ChildJvm {
  private ChildJvm() {}

  /** {@code org.mimicit.jobs.Main <args>} with this JVM's options and class path, 512 MB heap. */
  public static Process start(String master, String... args) throws IOException {
    return start(null, List.of(), master, args);
  }

  /**
   * As {@link #start(String, String...)}, with JVM options of its own and its output in {@code log}
   * (discarded when null).
   */
  public static Process start(Path log, List<String> jvmOptions, String master, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!arg.startsWith("-Xmx")
          && !arg.startsWith("-agentlib")
          && !arg.startsWith("-javaagent")) {
        command.add(arg);
      }
    }
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-Xmx512m",
            "-Dspark.master=" + master,
            "-Dspark.ui.enabled=false",
            "-cp",
            System.getProperty("java.class.path"),
            "org.mimicit.jobs.Main"));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(
            log == null
                ? ProcessBuilder.Redirect.DISCARD
                : ProcessBuilder.Redirect.to(log.toFile()))
        .start();
  }

  /**
   * The keys of the complete lines of the API cache files in {@code dir} (a line cut by a kill is
   * skipped).
   */
  public static List<String> cacheKeys(Path dir) throws IOException {
    List<String> keys = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return keys;
    }
    ObjectMapper json = new ObjectMapper();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f :
          files.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList()) {
        for (String line : Files.readAllLines(f)) {
          try {
            keys.add(json.readTree(line).path("key").asText());
          } catch (IOException cut) {
            // a line cut by the kill was never accepted
          }
        }
      }
    }
    return keys;
  }
}
