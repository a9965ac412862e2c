package org.mimicit.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster jar on YARN with its data on HDFS, both started by the test from Hadoop's own mini
 * clusters (a NameNode and a DataNode, a ResourceManager and a NodeManager, on loopback):
 * SparkSubmit, in a JVM of its own whose class path is Spark's jars (spark-yarn among them) and the
 * clusters' configuration, submits {@code pipeline} on the bundled sample, all of it on {@code
 * hdfs://} paths; the application master and the executors run in YARN containers, JVMs of their
 * own, from Spark's jars put on HDFS once ({@code spark.yarn.jars}). In client mode and in cluster
 * mode (the driver in the application master's container) the export must equal a local run's byte
 * for byte (its MD5SUMS).
 */
class YarnClusterIT {
  @TempDir static Path tmp;

  private static MiniDFSCluster dfs;
  private static MiniYARNCluster yarn;
  private static Path confDir;
  private static String hdfs;

  @BeforeAll
  static void startClusters() throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("dfs").toString());
    dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    dfs.waitActive();
    hdfs = "hdfs://localhost:" + dfs.getNameNodePort();

    YarnConfiguration yconf = new YarnConfiguration(dfs.getConfiguration(0));
    yconf.set("fs.defaultFS", hdfs);
    yconf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
    yconf.setInt(YarnConfiguration.NM_PMEM_MB, 6144);
    yconf.setInt(YarnConfiguration.NM_VCORES, 4);
    yconf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
    yconf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    yconf.set(
        "yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "99.0");
    // one queue taking everything (the shaded mini cluster has no capacity-scheduler.xml)
    yconf.set("yarn.scheduler.capacity.root.queues", "default");
    yconf.set("yarn.scheduler.capacity.root.default.capacity", "100");
    yconf.set("yarn.scheduler.capacity.root.default.maximum-capacity", "100");
    yconf.set("yarn.scheduler.capacity.root.default.user-limit-factor", "1");
    yconf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
    yconf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
    yconf.set("yarn.scheduler.capacity.root.default.acl_administer_queue", "*");
    yconf.set("yarn.scheduler.capacity.node-locality-delay", "-1");
    yarn = new MiniYARNCluster("mimicit", 1, 1, 1);
    yarn.init(yconf);
    yarn.start();
    Configuration ready = yarn.getConfig();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (ready.get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) {
      assertThat(System.nanoTime()).as("the ResourceManager never bound").isLessThan(deadline);
      Thread.sleep(100);
    }
    confDir = Files.createDirectories(tmp.resolve("hadoop-conf"));
    ready.set("fs.defaultFS", hdfs);
    // the mini clusters map racks with a test class of theirs, which clients do not have
    ready.set("net.topology.node.switch.mapping.impl", "org.apache.hadoop.net.ScriptBasedMapping");
    try (OutputStream out = Files.newOutputStream(confDir.resolve("yarn-site.xml"))) {
      ready.writeXml(out);
    }
    Configuration core = new Configuration(false);
    core.set("fs.defaultFS", hdfs);
    try (OutputStream out = Files.newOutputStream(confDir.resolve("core-site.xml"))) {
      core.writeXml(out);
    }
  }

  @AfterAll
  static void stopClusters() {
    if (yarn != null) {
      yarn.stop();
    }
    if (dfs != null) {
      dfs.shutdown();
    }
  }

  @Test
  void runsThePipelineOnYarnWithItsDataOnHdfs() throws Exception {
    Path jobs = Path.of(System.getProperty("user.dir"));
    Path launcher = jobs.resolve("target/launcher");
    Path sample = jobs.getParent().resolve("sample");
    FileSystem fs = FileSystem.get(dfs.getConfiguration(0));
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(sample.toUri()), new org.apache.hadoop.fs.Path("/sample"));
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(jobs.getParent().resolve("conf/prompts").toUri()),
        new org.apache.hadoop.fs.Path("/prompts"));
    // Spark's jars, once, for every container (what spark.yarn.archive does on a real cluster)
    List<String> sparkJars = new ArrayList<>();
    for (String jar :
        Files.readString(launcher.resolve("classpath-provided.txt")).trim().split(":")) {
      org.apache.hadoop.fs.Path to =
          new org.apache.hadoop.fs.Path("/spark/jars/" + new File(jar).getName());
      fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(jar), to);
      sparkJars.add(hdfs + to);
    }
    long t0 = System.nanoTime();
    Path local = tmp.resolve("local");
    localPipeline(sample, local);
    String expected = Files.readString(local.resolve("export/MD5SUMS"));
    long t1 = System.nanoTime();
    for (String mode : List.of("client", "cluster")) {
      long started = System.nanoTime();
      String run = hdfs + "/runs/" + mode;
      Path log = tmp.resolve(mode + ".log");
      int code =
          sparkSubmit(
              log,
              mode,
              String.join(",", sparkJars),
              "pipeline",
              "--input",
              hdfs + "/sample/mimicit",
              "--warehouse",
              run + "/wh",
              "--output",
              run + "/export",
              "--sources",
              hdfs + "/sample/sources",
              "--cache-from",
              hdfs + "/sample/api-cache",
              "--annotations",
              hdfs + "/sample/annotations/DC_dense_captions.jsonl",
              "--prompts",
              hdfs + "/prompts/dense_captions.json");
      assertThat(code)
          .as("spark-submit on YARN in %s mode; log:%n%s", mode, ClusterJar.tail(log))
          .isZero();
      assertThat(Files.readString(log)).contains("Submitted application application_");
      try (var in = fs.open(new org.apache.hadoop.fs.Path(run + "/export/MD5SUMS"))) {
        // every shard, release file and manifest equals the local run's, byte for byte
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
            .as("%s mode", mode)
            .isEqualTo(expected);
      }
      // convert-sources decoded the sample's videos with FFmpeg's natives inside the containers
      assertThat(fs.listStatus(new org.apache.hadoop.fs.Path(run + "/wh/images/task=CS_DC")))
          .isNotEmpty();
      System.out.printf(
          "YarnClusterIT: pipeline on YARN in %s mode: %d s%n",
          mode, (System.nanoTime() - started) / 1_000_000_000L);
    }
    System.out.printf("YarnClusterIT: local pipeline %d s%n", (t1 - t0) / 1_000_000_000L);
  }

  private static void localPipeline(Path sample, Path local) {
    Path jobs = Path.of(System.getProperty("user.dir"));
    StringWriter err = new StringWriter();
    assertThat(
            Main.execute(
                new PrintWriter(new StringWriter()),
                new PrintWriter(err),
                "pipeline",
                "--input",
                sample.resolve("mimicit").toString(),
                "--warehouse",
                local.resolve("wh").toString(),
                "--output",
                local.resolve("export").toString(),
                "--sources",
                sample.resolve("sources").toString(),
                "--cache-from",
                sample.resolve("api-cache").toString(),
                "--annotations",
                sample.resolve("annotations/DC_dense_captions.jsonl").toString(),
                "--prompts",
                jobs.getParent().resolve("conf/prompts/dense_captions.json").toString(),
                "--conf",
                "spark.master=local[2]",
                "--conf",
                "spark.ui.enabled=false"))
        .as(err.toString())
        .isZero();
    SparkSession.getActiveSession()
        .foreach(
            s -> {
              s.stop();
              return null;
            });
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }

  /** SparkSubmit in a JVM of its own, as $SPARK_HOME/bin/spark-submit starts it. */
  private static int sparkSubmit(Path log, String deployMode, String sparkJars, String... args)
      throws IOException, InterruptedException {
    Path jobs = Path.of(System.getProperty("user.dir"));
    Path launcher = jobs.resolve("target/launcher");
    String java = ProcessHandle.current().info().command().orElse("java");
    String javaHome = Path.of(java).getParent().getParent().toString();
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(
        List.of(Files.readString(launcher.resolve("jvm-options.txt")).trim().split(" ")));
    command.addAll(
        List.of(
            "-Xmx512m",
            "-cp",
            confDir + ":" + Files.readString(launcher.resolve("classpath-provided.txt")).trim(),
            "org.apache.spark.deploy.SparkSubmit",
            "--master",
            "yarn",
            "--deploy-mode",
            deployMode,
            "--driver-memory",
            "768m",
            "--executor-memory",
            "768m",
            "--executor-cores",
            "2",
            "--num-executors",
            "1",
            "--conf",
            "spark.yarn.jars=" + sparkJars,
            "--conf",
            "spark.yarn.am.memory=512m",
            "--conf",
            "spark.yarn.appMasterEnv.JAVA_HOME=" + javaHome,
            "--conf",
            "spark.executorEnv.JAVA_HOME=" + javaHome,
            "--conf",
            "spark.ui.enabled=false",
            "--conf",
            "spark.sql.shuffle.partitions=4",
            "--class",
            "org.mimicit.jobs.Main",
            ClusterJar.in(jobs.resolve("target")).toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("HADOOP_CONF_DIR", confDir.toString());
    builder.environment().put("YARN_CONF_DIR", confDir.toString());
    Process p = builder.start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(
          "spark-submit on YARN did not end in 10 minutes:\n" + ClusterJar.tail(log));
    }
    return p.exitValue();
  }
}
