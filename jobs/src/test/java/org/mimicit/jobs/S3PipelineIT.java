package org.mimicit.jobs;

import static org.apache.hadoop.fs.statistics.IOStatisticsLogging.ioStatisticsToPrettyString;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.IOStatisticsSupport;
import org.apache.spark.internal.io.cloud.PathOutputCommitProtocol;
import org.apache.spark.sql.Encoders;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mimicit.common.testing.SparkTestBase;

/**
 * The whole pipeline with input, warehouse and export on S3: s3a:// through hadoop-aws against
 * s3proxy, a real S3-compatible server started on loopback (path-style access, signed requests).
 */
class S3PipelineIT extends SparkTestBase {
  private static final String BUCKET = "mimicit";
  private static S3Proxy proxy;
  private static BlobStoreContext store;
  private static final String HADOOP = "spark.hadoop.";

  /** What a command of its own needs to reach the test's S3 server. */
  private static final String[] CONNECTION = {
    "fs.s3a.endpoint",
    "fs.s3a.endpoint.region",
    "fs.s3a.path.style.access",
    "fs.s3a.connection.ssl.enabled",
    "fs.s3a.access.key",
    "fs.s3a.secret.key",
    "fs.s3a.aws.credentials.provider"
  };

  private static final Map<String, String> committerSettings = new TreeMap<>();

  @BeforeAll
  static void startS3() throws Exception {
    store =
        ContextBuilder.newBuilder("transient")
            .credentials("identity", "credential")
            .build(BlobStoreContext.class);
    BlobStore blobs = store.getBlobStore();
    blobs.createContainerInLocation(null, BUCKET);
    proxy =
        S3Proxy.builder()
            .blobStore(blobs)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "test-access", "test-secret")
            .build();
    proxy.start();
    while (!proxy.getState().equals("STARTED")) {
      Thread.sleep(10);
    }
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    conf.set("fs.s3a.endpoint", "http://127.0.0.1:" + proxy.getPort());
    conf.set("fs.s3a.endpoint.region", "us-east-1");
    conf.set("fs.s3a.path.style.access", "true");
    conf.set("fs.s3a.connection.ssl.enabled", "false");
    conf.set("fs.s3a.access.key", "test-access");
    conf.set("fs.s3a.secret.key", "test-secret");
    conf.set(
        "fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    conf.set("fs.s3a.change.detection.mode", "none");
    // s3proxy answers 501 to the CRC32 checksum header the SDK puts on bulk deletes: delete one by
    // one
    conf.set("fs.s3a.multiobjectdelete.enable", "false");
    conf.set("fs.s3a.attempts.maximum", "3");
    conf.set("fs.s3a.retry.limit", "3");
    // The S3A committer settings as conf/cluster.properties ships them (the session exists already:
    // SQL keys at run time, spark.hadoop.* into its Hadoop configuration).
    Properties cluster = new Properties();
    try (Reader in = Files.newBufferedReader(project().resolve("conf/cluster.properties"))) {
      cluster.load(in);
    }
    for (String key : cluster.stringPropertyNames()) {
      if (key.contains("committer") || key.contains("commitProtocol")) {
        committerSettings.put(key, cluster.getProperty(key));
        if (key.startsWith(HADOOP)) {
          conf.set(key.substring(HADOOP.length()), cluster.getProperty(key));
        } else {
          spark.conf().set(key, cluster.getProperty(key));
        }
      }
    }
  }

  /** The test's S3 settings as {@code --conf spark.hadoop.<key>=<value>} arguments of a command. */
  private static java.util.List<String> s3Settings(Configuration conf, String... keys) {
    java.util.List<String> args = new java.util.ArrayList<>();
    for (String key : keys) {
      args.addAll(java.util.List.of("--conf", HADOOP + key + "=" + conf.get(key)));
    }
    return args;
  }

  private static long counter(FileSystem fs, String name) {
    Long value = IOStatisticsSupport.retrieveIOStatistics(fs).counters().get(name);
    return value == null ? 0 : value;
  }

  private static Path project() {
    return Path.of(System.getProperty("user.dir")).getParent();
  }

  @AfterAll
  static void stopS3() throws Exception {
    if (proxy != null) {
      proxy.stop();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void runsThePipelineOnS3() throws Exception {
    assertThat(committerSettings)
        .containsEntry(HADOOP + "fs.s3a.committer.name", "magic")
        .containsEntry(
            "spark.sql.sources.commitProtocolClass", PathOutputCommitProtocol.class.getName());
    Path project = project();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    String root = "s3a://" + BUCKET;
    FileSystem s3 = new org.apache.hadoop.fs.Path(root).getFileSystem(conf);
    s3.copyFromLocalFile(
        false,
        true,
        new org.apache.hadoop.fs.Path(project.resolve("sample").toUri()),
        new org.apache.hadoop.fs.Path(root + "/in"));
    s3.copyFromLocalFile(
        false,
        true,
        new org.apache.hadoop.fs.Path(project.resolve("conf/prompts").toUri()),
        new org.apache.hadoop.fs.Path(root + "/prompts"));

    String wh = root + "/wh";
    assertThat(
            Main.execute(
                "pipeline",
                "--input",
                root + "/in/mimicit",
                "--warehouse",
                wh,
                "--output",
                root + "/export",
                "--sources",
                root + "/in/sources",
                "--cache-from",
                root + "/in/api-cache",
                "--annotations",
                root + "/in/annotations/DC_dense_captions.jsonl",
                "--prompts",
                root + "/prompts/dense_captions.json"))
        .isZero();

    // Every write went through the S3A magic committer: the ingest commands' own writers and
    // Spark's
    // (join-incontext, translations, generated instructions, the export plan); pending uploads
    // completed at job commit, no rename.
    IOStatistics stats = IOStatisticsSupport.retrieveIOStatistics(s3);
    assertThat(stats.counters().get("committer_magic_files_created"))
        .as(ioStatisticsToPrettyString(stats))
        .isPositive();
    assertThat(stats.counters().get("committer_commits_completed"))
        .as(ioStatisticsToPrettyString(stats))
        .isPositive();
    // the three ingest commands (five writes) commit through it too, besides Spark's own writes
    assertThat(stats.counters().get("committer_jobs_completed")).isGreaterThanOrEqualTo(5 + 4);
    assertThat(stats.counters().get("committer_jobs_failed")).isZero();

    assertThat(spark.read().parquet(wh + "/images").count()).isEqualTo(41 + 5 + 4 + 7);
    assertThat(spark.read().parquet(wh + "/images").where("task = 'CS_DC'").count()).isEqualTo(7);
    assertThat(spark.read().parquet(wh + "/instructions").count()).isEqualTo(97 + 8);
    assertThat(spark.read().parquet(wh + "/incontext").count()).isEqualTo(97 + 8);
    assertThat(spark.read().parquet(wh + "/translations").count()).isEqualTo(24 * 7);
    assertThat(s3.exists(new org.apache.hadoop.fs.Path(wh + "/_report/index.html"))).isTrue();
    assertThat(
            spark
                .read()
                .parquet(wh + "/rejected/instructions")
                .selectExpr("id || ':' || reason")
                .as(Encoders.STRING())
                .collectAsList())
        .containsExactlyInAnyOrder("LA_INS_09001:missing_field", "LA_INS_00015:duplicate_id");
    // A re-run replaces its task's partitions on S3 (old files deleted, the new ones committed by
    // the magic committer where they belong), and join-incontext swaps its staged partitions:
    // nothing doubles.
    assertThat(
            Main.execute(
                "convert-images",
                "--input",
                root + "/in/mimicit",
                "--warehouse",
                wh,
                "--tasks",
                "LA",
                "--max-reject-ratio",
                "0.5"))
        .isZero();
    assertThat(Main.execute("join-incontext", "--warehouse", wh, "--tasks", "LA")).isZero();
    assertThat(spark.read().parquet(wh + "/images").count()).isEqualTo(41 + 5 + 4 + 7);
    assertThat(spark.read().parquet(wh + "/incontext").count()).isEqualTo(97 + 8);
    // A run that fails (LA alone rejects 12.5%, more than the default 5%) aborts its uploads: the
    // table stays as it was and no committer folder is left in the warehouse.
    long createdBefore = counter(s3, "committer_magic_files_created");
    long abortedBefore = counter(s3, "committer_commits_aborted");
    assertThat(
            Main.execute(
                "convert-images",
                "--input",
                root + "/in/mimicit",
                "--warehouse",
                wh,
                "--tasks",
                "LA"))
        .isNotZero();
    assertThat(spark.read().parquet(wh + "/images").count()).isEqualTo(41 + 5 + 4 + 7);
    long created = counter(s3, "committer_magic_files_created") - createdBefore;
    assertThat(created).isEqualTo(2); // LA's images and its rejected rows
    assertThat(counter(s3, "committer_commits_aborted") - abortedBefore).isEqualTo(created);
    assertThat(s3.listStatus(new org.apache.hadoop.fs.Path(wh)))
        .extracting(f -> f.getPath().getName())
        .noneMatch(name -> name.startsWith("__magic"));
    assertThat(s3.exists(new org.apache.hadoop.fs.Path(wh + "/_stats/expand-multilingual.json")))
        .isTrue();
    assertThat(s3.exists(new org.apache.hadoop.fs.Path(wh + "/_staging"))).isFalse();
    assertThat(s3.exists(new org.apache.hadoop.fs.Path(root + "/export/manifest.json"))).isTrue();
    assertThat(
            s3.exists(
                new org.apache.hadoop.fs.Path(
                    root + "/export/webdataset/SD/train-00000-of-00001.tar")))
        .isTrue();
    // verify starts no Spark: the S3 settings reach it as --conf spark.hadoop.*
    java.util.List<String> verify =
        new java.util.ArrayList<>(java.util.List.of("verify", "--output", root + "/export"));
    verify.addAll(s3Settings(conf, CONNECTION));
    FileSystem.closeAll(); // no cached S3 client with the test's settings: verify must make its own
    assertThat(Main.execute(verify.toArray(new String[0]))).isZero();
  }

  /**
   * A convert-images run on S3 killed with SIGKILL while its tasks are writing leaves the table as
   * it was (its files are pending uploads, invisible); the re-run cancels those uploads and
   * replaces the task.
   */
  @Test
  void aRunKilledOnS3LeavesTheTableAsItWas(@org.junit.jupiter.api.io.TempDir Path tmp)
      throws Exception {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    String wh = "s3a://" + BUCKET + "/killed";
    FileSystem s3 = new org.apache.hadoop.fs.Path(wh).getFileSystem(conf);
    Path task = java.nio.file.Files.createDirectories(tmp.resolve("in/LA"));
    byte[] png = org.mimicit.common.testing.TestImages.image("png", 37, 23, 1);
    java.nio.file.Files.writeString(
        task.resolve("LA.json"),
        "{\"LA_IMG_before\": \"" + java.util.Base64.getEncoder().encodeToString(png) + "\"}");
    String[] convert = {
      "convert-images", "--input", tmp.resolve("in").toString(), "--warehouse", wh
    };
    assertThat(Main.execute(convert)).isZero();
    java.util.List<String> before = imageIds(wh);
    assertThat(before).containsExactly("LA_IMG_before");

    // 30 images of 2 MB, in 8 MB splits: one file per Spark task, written one task at a time
    try (java.io.Writer out = java.nio.file.Files.newBufferedWriter(task.resolve("LA.json"))) {
      out.write("{");
      for (int i = 0; i < 30; i++) {
        byte[] image = java.util.Arrays.copyOf(png, 2_000_000);
        image[image.length - 1] = (byte) i;
        out.write(
            (i == 0 ? "" : ",")
                + "\"LA_IMG_big_"
                + i
                + "\": \""
                + java.util.Base64.getEncoder().encodeToString(image)
                + "\"");
      }
      out.write("}");
    }
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(convert));
    args.addAll(java.util.List.of("--conf", "spark.sql.files.maxPartitionBytes=8388608"));
    args.addAll(s3Settings(conf, CONNECTION));
    args.addAll(
        s3Settings(conf, "fs.s3a.change.detection.mode", "fs.s3a.multiobjectdelete.enable"));
    Process child = ChildJvm.start("local[1]", args.toArray(new String[0]));
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
    while (!hasPendingUpload(s3, wh) && child.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(child.isAlive()).as("the job must still run when it is killed").isTrue();
    child.destroyForcibly(); // SIGKILL: no shutdown hooks, no clean-up
    assertThat(child.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

    assertThat(imageIds(wh)).isEqualTo(before);
    long abortedBefore = counter(s3, "committer_commits_aborted");
    assertThat(Main.execute(convert)).isZero();
    assertThat(imageIds(wh)).hasSize(30).allMatch(id -> id.startsWith("LA_IMG_big_"));
    assertThat(counter(s3, "committer_commits_aborted") - abortedBefore)
        .as("the killed run's pending uploads, cancelled by the re-run")
        .isPositive();
    assertThat(s3.listStatus(new org.apache.hadoop.fs.Path(wh)))
        .extracting(f -> f.getPath().getName())
        .noneMatch(name -> name.startsWith("__magic"));
  }

  private static java.util.List<String> imageIds(String wh) {
    return spark
        .read()
        .parquet(wh + "/images")
        .select("image_id")
        .as(Encoders.STRING())
        .collectAsList()
        .stream()
        .sorted()
        .toList();
  }

  /** Whether a task of the running job has closed a file: a pending upload under the warehouse. */
  private static boolean hasPendingUpload(FileSystem fs, String wh) throws java.io.IOException {
    if (!fs.exists(new org.apache.hadoop.fs.Path(wh))) {
      return false;
    }
    org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> files =
        fs.listFiles(new org.apache.hadoop.fs.Path(wh), true);
    while (files.hasNext()) {
      if (files.next().getPath().getName().endsWith(".pending")) {
        return true;
      }
    }
    return false;
  }
}
