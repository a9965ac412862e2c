package org.mimicit.jobs;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster started from Spark's own classes, each daemon in a JVM of its own: a
 * Master on 127.0.0.1 and one Worker per loopback address given (127.0.0.2, 127.0.0.3, ...: Spark
 * treats them as different hosts, so it speculates across them). The Workers start executors in
 * their own JVMs from a Spark "distribution" made of Spark's jars from Maven ({@code
 * SPARK_HOME/jars}), as a real cluster does; the application's classes reach them as {@code
 * spark.jars} (the cluster jar).
 */
public final class StandaloneCluster implements AutoCloseable {
  private final Path dir;
  private final List<Process> daemons = new ArrayList<>();
  private final int masterPort;

  /** Starts the Master and the Workers (one core, 1 GB each) and waits until all registered. */
  public StandaloneCluster(Path dir, String... workerHosts)
      throws IOException, InterruptedException {
    this.dir = dir;
    Path launcher = Path.of(System.getProperty("user.dir"), "target/launcher");
    String classpath = Files.readString(launcher.resolve("classpath-provided.txt")).trim();
    Path jars = Files.createDirectories(dir.resolve("spark/jars"));
    for (String jar : classpath.split(java.io.File.pathSeparator)) {
      Path target = Path.of(jar);
      Path link = jars.resolve(target.getFileName());
      if (jar.endsWith(".jar") && !Files.exists(link)) {
        Files.createSymbolicLink(link, target);
      }
    }
    masterPort = freePort();
    Path masterLog = dir.resolve("master.log");
    daemons.add(
        daemon(
            classpath,
            masterLog,
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(masterPort),
            "--webui-port",
            Integer.toString(freePort())));
    for (int i = 0; i < workerHosts.length; i++) {
      daemons.add(
          daemon(
              classpath,
              dir.resolve("worker-" + i + ".log"),
              "org.apache.spark.deploy.worker.Worker",
              "--host",
              workerHosts[i],
              "--cores",
              "1",
              "--memory",
              "1g",
              "--webui-port",
              Integer.toString(freePort()),
              "--work-dir",
              Files.createDirectories(dir.resolve("work-" + i)).toString(),
              masterUrl()));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (registeredWorkers(masterLog) < workerHosts.length) {
      if (System.nanoTime() > deadline || daemons.stream().anyMatch(p -> !p.isAlive())) {
        close();
        throw new IllegalStateException(
            "The standalone cluster did not start; master log:\n" + ClusterJar.tail(masterLog));
      }
      Thread.sleep(100);
    }
  }

  public String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  /** The executors' stderr logs (work-dir/app-*&#47;N/stderr), concatenated. */
  public String executorLogs() throws IOException {
    StringBuilder all = new StringBuilder();
    try (var files = Files.walk(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
        all.append("==> ").append(f).append('\n').append(Files.readString(f));
      }
    }
    return all.toString();
  }

  private static int registeredWorkers(Path masterLog) throws IOException {
    if (!Files.exists(masterLog)) {
      return 0;
    }
    return (int)
        Files.readAllLines(masterLog).stream()
            .filter(l -> l.contains("Registering worker"))
            .count();
  }

  private Process daemon(String classpath, Path log, String main, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    Path launcher = Path.of(System.getProperty("user.dir"), "target/launcher");
    command.addAll(
        List.of(Files.readString(launcher.resolve("jvm-options.txt")).trim().split(" ")));
    command.addAll(List.of("-Xmx256m", "-cp", classpath, main));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("SPARK_HOME", dir.resolve("spark").toString());
    builder.environment().put("SPARK_SCALA_VERSION", "2.13");
    builder.environment().put("JAVA_HOME", Path.of(System.getProperty("java.home")).toString());
    return builder.start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Stops the daemons (the Workers stop their executors). */
  @Override
  public void close() throws InterruptedException {
    for (int i = daemons.size() - 1; i >= 0; i--) {
      Process p = daemons.get(i);
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }
}
