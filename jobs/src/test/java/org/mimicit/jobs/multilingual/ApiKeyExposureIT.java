package org.mimicit.jobs.multilingual;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.security.alias.CredentialProvider;
import org.apache.hadoop.security.alias.CredentialProviderFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.testing.FakeChatServer;
import org.mimicit.jobs.Main;

/**
 * The API key read from a JCEKS credential store by alias reaches the API and nothing else: not the
 * command line, the event log, the application's environment (Spark's REST API), the output or
 * {@code _stats}; and a key a user put in a Spark property is redacted in the event log and the
 * environment. The job builds its own session here (no active one), so the job's session defaults,
 * among them the redaction pattern, are what is tested.
 */
class ApiKeyExposureIT {
  private static final String KEY = "sk-live-4b1d8e77c0a9f2e6";

  /** A key a user put in a Spark property: redacted by the jobs' spark.redaction.regex. */
  private static final String IN_A_PROPERTY = "sk-prop-93ce10aa5b7f";

  @TempDir Path tmp;

  @AfterEach
  void stop() {
    SparkSession.getActiveSession()
        .foreach(
            s -> {
              s.stop();
              return null;
            });
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }

  @Test
  void theKeyFromACredentialStoreReachesTheApiAndNothingElse() throws Exception {
    Path store = tmp.resolve("keys.jceks");
    Configuration conf = new Configuration(false);
    conf.set(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH, "jceks://file" + store);
    CredentialProvider provider = CredentialProviderFactory.getProviders(conf).get(0);
    provider.createCredentialEntry("openai", KEY.toCharArray());
    provider.flush();
    String wh = tmp.resolve("wh").toString();
    Path events = Files.createDirectories(tmp.resolve("events"));
    SparkSession writer = SparkSession.builder().master("local[2]").getOrCreate();
    Fixtures.writeInstructions(
        writer,
        wh,
        "LA",
        new String[][] {
          {"LA_INS_1", "What is in the picture?", "A red bus next to 2 bicycles."},
          {"LA_INS_2", "What colour is the cat?", "The cat is grey."}
        });
    writer.stop();
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    List<String> args =
        List.of(
            "expand-multilingual",
            "--warehouse",
            wh,
            "--languages",
            "zh,de",
            "--api-key-alias",
            "openai",
            "--conf",
            "spark.master=local[2]",
            "--conf",
            "spark.hadoop.hadoop.security.credential.provider.path=jceks://file" + store,
            "--conf",
            "spark.eventLog.enabled=true",
            "--conf",
            "spark.eventLog.dir=" + events,
            "--conf",
            "spark.eventLog.compress=false",
            "--conf",
            "spark.ui.enabled=true",
            "--conf",
            "spark.ui.port=0",
            "--conf",
            "spark.executorEnv.OPENAI_API_KEY=" + IN_A_PROPERTY);
    String environment;
    try (FakeChatServer server = new FakeChatServer()) {
      List<String> withBase = new ArrayList<>(args);
      withBase.addAll(List.of("--api-base", server.base()));
      int code = executeCapturingConsole(withBase, out, err, console);
      assertThat(code).as(err.toString()).isZero();
      // the key went where it belongs
      assertThat(server.calls()).isNotEmpty().allMatch(c -> ("Bearer " + KEY).equals(c.auth()));
      assertThat(String.join(" ", withBase)).doesNotContain(KEY);
      SparkSession job = SparkSession.getActiveSession().get();
      String ui = job.sparkContext().uiWebUrl().get();
      String app = job.sparkContext().applicationId();
      environment =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(ui + "/api/v1/applications/" + app + "/environment"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      job.stop();
    }
    assertThat(environment)
        .contains("spark.eventLog.dir")
        .contains("spark.hadoop.hadoop.security.credential.provider.path")
        .contains("spark.executorEnv.OPENAI_API_KEY")
        .doesNotContain(KEY)
        .doesNotContain(IN_A_PROPERTY);
    assertThat(out.toString() + err.toString()).doesNotContain(KEY);
    // the process's own stdout/stderr, where the logs go (log4j2-test's console follows System.err)
    String printed = console.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("expand-multilingual").doesNotContain(KEY);
    List<Path> written;
    try (Stream<Path> files = Stream.concat(Files.walk(events), Files.walk(Path.of(wh)))) {
      written = files.filter(Files::isRegularFile).toList();
    }
    assertThat(written)
        .anyMatch(p -> p.toString().contains("_stats"))
        .anyMatch(p -> p.getParent().equals(events) || p.getParent().getParent().equals(events));
    for (Path file : written) {
      String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      assertThat(text).as(file.toString()).doesNotContain(KEY).doesNotContain(IN_A_PROPERTY);
    }
  }

  /** Runs the command with System.out and System.err also copied into {@code console}. */
  private static int executeCapturingConsole(
      List<String> args, StringWriter out, StringWriter err, ByteArrayOutputStream console) {
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    PrintStream copy = new PrintStream(console, true, StandardCharsets.UTF_8);
    System.setOut(new PrintStream(new Tee(stdout, copy), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new Tee(stderr, copy), true, StandardCharsets.UTF_8));
    try {
      return Main.execute(
          new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(new String[0]));
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
  }

  /** Writes to two streams. */
  private static final class Tee extends java.io.OutputStream {
    private final PrintStream a;
    private final PrintStream b;

    Tee(PrintStream a, PrintStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] buf, int off, int len) {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }

    @Override
    public void flush() {
      a.flush();
      b.flush();
    }
  }
}
