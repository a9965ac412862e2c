package org.mimicit.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.security.alias.CredentialProvider;
import org.apache.hadoop.security.alias.CredentialProviderFactory;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.api.ApiCacheReader;
import org.mimicit.common.api.Prompt;
import org.mimicit.common.api.RequestKey;
import org.mimicit.common.testing.FakeChatServer;
import org.mimicit.common.testing.FakeChatServer.Call;
import org.mimicit.common.testing.FakeChatServer.Fault;
import org.mimicit.common.testing.FakeChatServer.Item;

/**
 * The cluster jar on YARN with its data on HDFS, both started by the test from Hadoop's own mini
 * clusters (a NameNode and a DataNode, a ResourceManager and a NodeManager, on loopback):
 * SparkSubmit, in a JVM of its own whose class path is Spark's jars (spark-yarn among them) and the
 * clusters' configuration, submits the jobs, all of them on {@code hdfs://} paths; the application
 * master and the executors run in YARN containers, JVMs of their own, from Spark's jars as
 * installed on the node ({@code spark.yarn.jars} of {@code local:} URIs); the cluster jar travels
 * through HDFS as every application's does.
 *
 * <ol>
 *   <li>{@code pipeline} on the bundled sample in client and in cluster mode (the driver in the
 *       application master's container): the export equals a local run's byte for byte (its
 *       MD5SUMS).
 *   <li>{@code expand-multilingual} against a loopback API that misbehaves (429 with Retry-After,
 *       5xx, invalid and cut replies), its executor killed part-way, then in cluster mode its
 *       application master killed and the job run again: nothing accepted is asked twice and the
 *       translations equal a local run's.
 *   <li>The API key, read from a JCEKS store on HDFS, is found nowhere but in the API's requests.
 * </ol>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class YarnClusterIT {
  private static final String KEY = "sk-yarn-5c03e1d97a2b44f0";
  private static final String MODEL = "yarn-model";

  /** The main classes of the containers' JVMs. */
  private static final String EXECUTOR =
      "org.apache.spark.executor.YarnCoarseGrainedExecutorBackend";

  private static final String APPLICATION_MASTER = "org.apache.spark.deploy.yarn.ApplicationMaster";

  @TempDir static Path tmp;

  private static MiniDFSCluster dfs;
  private static MiniYARNCluster yarn;
  private static FileSystem fs;
  private static Path confDir;
  private static String hdfs;
  private static String keystore;
  private static String sparkJars;
  private static FakeChatServer server;
  private static List<String> localTranslations;
  private static String environment = "";
  private static final List<String> commands = new ArrayList<>();

  @BeforeAll
  static void startClusters() throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("dfs").toString());
    dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    dfs.waitActive();
    hdfs = "hdfs://localhost:" + dfs.getNameNodePort();
    fs = FileSystem.get(dfs.getConfiguration(0));

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
    putInputsOnHdfs();
    // the API key, in a JCEKS store on HDFS under the alias the jobs are given
    keystore = "jceks://hdfs@localhost:" + dfs.getNameNodePort() + "/keys/api.jceks";
    Configuration keys = new Configuration(dfs.getConfiguration(0));
    keys.set(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH, keystore);
    CredentialProvider provider = CredentialProviderFactory.getProviders(keys).get(0);
    provider.createCredentialEntry("openai", KEY.toCharArray());
    provider.flush();
    // an API that misbehaves now and then: every answer is still had after the client's retries
    server =
        new FakeChatServer()
            .latencyMillis(250)
            .retryAfterSeconds(1)
            .faultRule(
                (n, items) ->
                    n % 11 == 5
                        ? Fault.RATE_LIMITED
                        : n % 17 == 8
                            ? Fault.SERVER_ERROR
                            : n % 29 == 13
                                ? Fault.CUT_REPLY
                                : n % 31 == 21 ? Fault.INVALID_JSON : Fault.NONE);
  }

  /** The sample, the prompts and Spark's jars (once, for every container) on HDFS. */
  private static void putInputsOnHdfs() throws IOException {
    Path jobs = Path.of(System.getProperty("user.dir"));
    Path sample = jobs.getParent().resolve("sample");
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(sample.toUri()), new org.apache.hadoop.fs.Path("/sample"));
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(jobs.getParent().resolve("conf/prompts").toUri()),
        new org.apache.hadoop.fs.Path("/prompts"));
    fs.mkdirs(new org.apache.hadoop.fs.Path("/events"));
    // Spark's jars as installed on every node (the NodeManager runs on this machine): "local:"
    // URIs are neither uploaded nor localized, where HDFS copies cost each run about 300 files
    List<String> jars = new ArrayList<>();
    for (String jar :
        Files.readString(jobs.resolve("target/launcher/classpath-provided.txt"))
            .trim()
            .split(":")) {
      jars.add("local:" + jar);
    }
    sparkJars = String.join(",", jars);
  }

  @AfterAll
  static void stopClusters() {
    stopSession();
    if (server != null) {
      server.close();
    }
    if (yarn != null) {
      yarn.stop();
    }
    if (dfs != null) {
      dfs.shutdown();
    }
  }

  @Test
  @Order(1)
  void runsThePipelineOnYarnWithItsDataOnHdfs() throws Exception {
    // the same pipeline run locally, through spark-submit in local[2] (once per test JVM)
    String expected = Files.readString(SampleRun.get().export().resolve("MD5SUMS"));
    for (String mode : List.of("client", "cluster")) {
      long started = System.nanoTime();
      String run = hdfs + "/runs/" + mode;
      Path log = tmp.resolve(mode + ".log");
      List<String> args =
          SampleRun.pipeline(
              hdfs + "/sample",
              hdfs + "/prompts/dense_captions.json",
              run + "/wh",
              run + "/export");
      int code = sparkSubmit(log, mode, List.of(), args.toArray(new String[0]));
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
  }

  /**
   * The expansion on YARN (client mode) against the misbehaving loopback API, its executor killed
   * with SIGKILL part-way: Spark asks YARN for another, the retried tasks skip what the dead one
   * got accepted (its cache file on HDFS still open), and the translations equal a local run's.
   */
  @Test
  @Order(2)
  void theExpansionSurvivesAnExecutorKilledMidRun() throws Exception {
    long started = System.nanoTime();
    List<String> expected = localTranslations();
    String wh = hdfs + "/runs/client/wh";
    int runStart = lastSeq();
    Path log = tmp.resolve("expand-client.log");
    int uiPort = freePort();
    Process submit =
        startSubmit(
            log,
            "client",
            List.of("spark.ui.enabled=true", "spark.ui.port=" + uiPort, "spark.port.maxRetries=0"),
            expansion(wh));
    Set<String> accepted;
    int before;
    int code;
    try {
      awaitCalls(submit, log, 25);
      environment = restEnvironment(log, uiPort);
      ProcessHandle executor = containerJvm(EXECUTOR);
      executor.destroyForcibly();
      executor.onExit().get(30, TimeUnit.SECONDS);
      accepted = ApiCacheReader.keysOf(dfsConf(), wh + "/_cache/api/translate", "");
      before = lastSeq();
      code = await(submit, log);
    } finally {
      submit.destroyForcibly();
    }
    assertThat(code)
        .as("the expansion after its executor was killed; log:%n%s", ClusterJar.tail(log))
        .isZero();
    assertNothingAcceptedAskedAgain(accepted, runStart, before);
    assertThat(translations(wh)).isEqualTo(expected);
    System.out.printf(
        "YarnClusterIT: expansion with a killed executor: %d s, %d accepted before the kill%n",
        (System.nanoTime() - started) / 1_000_000_000L, accepted.size());
  }

  /**
   * The expansion on YARN in cluster mode, its application master (the driver) killed part-way with
   * one attempt allowed: the application fails, the re-run asks for nothing accepted before and its
   * translations equal a local run's.
   */
  @Test
  @Order(3)
  void theExpansionRunsAgainAfterItsApplicationMasterWasKilled() throws Exception {
    long started = System.nanoTime();
    List<String> expected = localTranslations();
    String wh = hdfs + "/runs/cluster/wh";
    List<String> oneAttempt = List.of("spark.yarn.maxAppAttempts=1");
    int runStart = lastSeq();
    Path killed = tmp.resolve("expand-cluster-killed.log");
    Process submit = startSubmit(killed, "cluster", oneAttempt, expansion(wh));
    try {
      awaitCalls(submit, killed, 25);
      ProcessHandle am = containerJvm(APPLICATION_MASTER);
      am.destroyForcibly();
      am.onExit().get(30, TimeUnit.SECONDS);
      assertThat(await(submit, killed)).as("the application whose master was killed").isNotZero();
    } finally {
      submit.destroyForcibly();
    }
    awaitNoContainerJvm(EXECUTOR);
    Set<String> accepted = ApiCacheReader.keysOf(dfsConf(), wh + "/_cache/api/translate", "");
    int before = lastSeq();
    Path rerun = tmp.resolve("expand-cluster-rerun.log");
    int code = sparkSubmit(rerun, "cluster", oneAttempt, expansion(wh));
    assertThat(code).as("the re-run; log:%n%s", ClusterJar.tail(rerun)).isZero();
    assertNothingAcceptedAskedAgain(accepted, runStart, before);
    assertThat(translations(wh)).isEqualTo(expected);
    System.out.printf(
        "YarnClusterIT: expansion with a killed application master, and its re-run: %d s, %d"
            + " accepted before the kill%n",
        (System.nanoTime() - started) / 1_000_000_000L, accepted.size());
  }

  /**
   * The API key, read from a JCEKS store on HDFS by every run above, reached the API and nothing
   * else: not the spark-submit command lines or their output, the event logs, the application's
   * environment (Spark's REST API, fetched while it ran), the YARN container logs or {@code
   * _stats}.
   */
  @Test
  @Order(4)
  void theKeyFromACredentialStoreOnHdfsIsNowhereElse() throws Exception {
    assertThat(environment)
        .as("the REST API's environment of the expansion in client mode")
        .contains("spark.hadoop.hadoop.security.credential.provider.path")
        .doesNotContain(KEY);
    assertThat(String.join("\n", commands)).contains("--api-key-alias").doesNotContain(KEY);
    List<String> searched = new ArrayList<>();
    try (Stream<Path> logs = Files.list(tmp)) {
      for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
        assertThat(Files.readString(log)).as(log.toString()).doesNotContain(KEY);
        searched.add(log.getFileName().toString());
      }
    }
    for (String dir : List.of("/events", "/runs/client/wh/_stats", "/runs/cluster/wh/_stats")) {
      var files = fs.listFiles(new org.apache.hadoop.fs.Path(dir), true);
      while (files.hasNext()) {
        org.apache.hadoop.fs.Path file = files.next().getPath();
        try (var in = fs.open(file)) {
          assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1))
              .as(file.toString())
              .doesNotContain(KEY);
        }
        searched.add(file.toString());
      }
    }
    for (String dir :
        yarn.getNodeManager(0).getConfig().get(YarnConfiguration.NM_LOG_DIRS).split(",")) {
      try (Stream<Path> files = Files.walk(Path.of(dir.replaceFirst("^file:", "")))) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1))
              .as(file.toString())
              .doesNotContain(KEY);
          searched.add(file.toString());
        }
      }
    }
    assertThat(searched)
        .anyMatch(f -> f.contains("/events/"))
        .anyMatch(f -> f.contains("/_stats/expand-multilingual"))
        .anyMatch(f -> f.endsWith("/stderr") && f.contains("container_"));
    // and it did reach the API, from every run
    assertThat(server.calls()).isNotEmpty().allMatch(c -> ("Bearer " + KEY).equals(c.auth()));
  }

  /** The expansion's arguments, on a warehouse: two languages, one item per request, no limits. */
  private static String[] expansion(String warehouse) {
    return new String[] {
      "expand-multilingual",
      "--warehouse",
      warehouse,
      "--languages",
      "zh,de",
      "--batch-items",
      "1",
      "--api-base",
      server.base(),
      "--model",
      MODEL,
      "--api-key-alias",
      "openai",
      "--max-concurrency",
      "4",
      "--max-requests-per-minute",
      "0",
      "--max-tokens-per-minute",
      "0",
      "--conf",
      "spark.hadoop.hadoop.security.credential.provider.path=" + keystore
    };
  }

  /** The translations of the expansion run locally on the local run's warehouse (once). */
  private static List<String> localTranslations() throws IOException, InterruptedException {
    if (localTranslations == null) {
      // on a copy of the local run's warehouse, which stays as it was
      Path copy = tmp.resolve("local/wh");
      FileUtils.copyDirectory(SampleRun.get().warehouse().toFile(), copy.toFile());
      String wh = copy.toString();
      List<String> args = new ArrayList<>(List.of(expansion(wh)));
      args.addAll(
          List.of(
              "--conf",
              "spark.master=local[2]",
              "--conf",
              "spark.ui.enabled=false",
              "--conf",
              "spark.sql.shuffle.partitions=4"));
      StringWriter err = new StringWriter();
      assertThat(
              Main.execute(
                  new PrintWriter(new StringWriter()),
                  new PrintWriter(err),
                  args.toArray(new String[0])))
          .as(err.toString())
          .isZero();
      localTranslations = translations(wh);
      assertThat(localTranslations).as("the local expansion's translations").isNotEmpty();
    }
    return localTranslations;
  }

  /** The rows of a warehouse's translations table, as sorted strings. */
  private static List<String> translations(String warehouse) {
    SparkSession spark =
        SparkSession.builder().master("local[2]").config("spark.ui.enabled", "false").getOrCreate();
    return spark.read().parquet(warehouse + "/translations").collectAsList().stream()
        .map(Row::toString)
        .sorted()
        .toList();
  }

  private static void stopSession() {
    SparkSession.getActiveSession()
        .foreach(
            s -> {
              s.stop();
              return null;
            });
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }

  private static Configuration dfsConf() {
    return dfs.getConfiguration(0);
  }

  /** The number of the last request the API server saw. */
  private static int lastSeq() {
    return server.calls().stream().mapToInt(Call::seq).max().orElse(0);
  }

  /**
   * The keys {@code accepted} (in the cache when the run was killed) were all answered by the
   * server in this run before the kill (so they are keys the test can recognise), and no request
   * after {@code before} asked for one of them.
   */
  private static void assertNothingAcceptedAskedAgain(
      Set<String> accepted, int runStart, int before) {
    String promptSha = Prompt.defaultTranslation().sha256();
    Set<String> answered = new HashSet<>();
    List<String> resent = new ArrayList<>();
    for (Call call : server.calls()) {
      for (Item item : call.items()) {
        for (String lang : call.languages()) {
          String key =
              RequestKey.translation(MODEL, promptSha, lang, item.instruction(), item.answer());
          if (call.seq() > runStart && call.seq() <= before && call.answeredFully()) {
            answered.add(key);
          } else if (call.seq() > before && accepted.contains(key)) {
            resent.add(item.id() + "/" + lang);
          }
        }
      }
    }
    assertThat(accepted).as("accepted before the kill").isNotEmpty();
    assertThat(answered).as("answered before the kill").containsAll(accepted);
    assertThat(resent).as("accepted before the kill, asked again").isEmpty();
  }

  /** Waits until the server has seen {@code n} more requests, the run still going. */
  private static void awaitCalls(Process submit, Path log, int n) throws Exception {
    int from = server.calls().size();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (server.calls().size() < from + n) {
      assertThat(submit.isAlive())
          .as("the run ended before %d requests; log:%n%s", n, ClusterJar.tail(log))
          .isTrue();
      assertThat(System.nanoTime()).as("%d requests in 5 minutes", n).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /** The one live JVM of a YARN container whose main class is {@code mainClass}. */
  private static ProcessHandle containerJvm(String mainClass) {
    List<ProcessHandle> found = containerJvms(mainClass);
    assertThat(found).as("JVMs running %s", mainClass).hasSize(1);
    return found.get(0);
  }

  private static List<ProcessHandle> containerJvms(String mainClass) {
    return ProcessHandle.allProcesses()
        .filter(
            p ->
                p.info().command().map(c -> c.endsWith("/java")).orElse(false)
                    && p.info().arguments().map(a -> List.of(a).contains(mainClass)).orElse(false))
        .toList();
  }

  private static void awaitNoContainerJvm(String mainClass) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!containerJvms(mainClass).isEmpty()) {
      assertThat(System.nanoTime()).as("%s still running", mainClass).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  /**
   * The application's environment from Spark's REST API, from the driver's UI (on {@code port})
   * while it runs, the application's id read from the spark-submit output.
   */
  private static String restEnvironment(Path log, int port) throws Exception {
    Pattern app = Pattern.compile("Submitted application (application_\\d+_\\d+)");
    Matcher a = app.matcher(Files.readString(log));
    assertThat(a.find()).as("no application id in the log").isTrue();
    HttpResponse<String> reply =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + port
                                + "/api/v1/applications/"
                                + a.group(1)
                                + "/environment"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
    return reply.body();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** SparkSubmit in a JVM of its own, as $SPARK_HOME/bin/spark-submit starts it; waits for it. */
  private static int sparkSubmit(Path log, String deployMode, List<String> conf, String... args)
      throws IOException, InterruptedException {
    return await(startSubmit(log, deployMode, conf, args), log);
  }

  private static int await(Process p, Path log) throws IOException, InterruptedException {
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(
          "spark-submit on YARN did not end in 10 minutes:\n" + ClusterJar.tail(log));
    }
    return p.exitValue();
  }

  /** Starts SparkSubmit with the cluster jar, {@code --conf} for each of {@code conf}. */
  private static Process startSubmit(Path log, String deployMode, List<String> conf, String... args)
      throws IOException {
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
            "--conf",
            "spark.eventLog.enabled=true",
            "--conf",
            "spark.eventLog.dir=" + hdfs + "/events",
            "--conf",
            "spark.eventLog.compress=false"));
    for (String c : conf) {
      command.addAll(List.of("--conf", c));
    }
    command.addAll(
        List.of(
            "--class", "org.mimicit.jobs.Main", ClusterJar.in(jobs.resolve("target")).toString()));
    command.addAll(List.of(args));
    commands.add(String.join(" ", command));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("HADOOP_CONF_DIR", confDir.toString());
    builder.environment().put("YARN_CONF_DIR", confDir.toString());
    return builder.start();
  }
}
