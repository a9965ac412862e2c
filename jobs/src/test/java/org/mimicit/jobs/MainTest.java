package org.mimicit.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.mimicit.jobs.cli.SparkOptions;

class MainTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void printsHelpForEveryCommand() {
    for (String command :
        new String[] {
          "convert-images", "convert-instructions", "join-incontext", "report", "pipeline"
        }) {
      assertThat(run(command, "--help")).isZero();
      assertThat(out.toString()).contains("Usage: mimicit " + command);
    }
    assertThat(out.toString())
        .contains(
            "--input=DIR",
            "--warehouse=DIR",
            "--tasks=TASK[,TASK...]",
            "--max-reject-ratio=R",
            "--conf=KEY=VALUE",
            "--output=FILE",
            "--price-per-1k-tokens=USD");
  }

  @Test
  void listsTheCommandsInTheTopLevelHelp() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("convert-images", "convert-instructions", "pipeline");
  }

  @Test
  void rejectsAnUnknownOptionWithTheValidOnes() {
    assertThat(run("convert-images", "--input", "x", "--warehouse", "y", "--bogus")).isEqualTo(2);
    assertThat(err.toString())
        .contains("mimicit convert-images: Unknown option: '--bogus'")
        .contains(
            "Valid options: --conf, --conf-file, --help, --input, --max-reject-ratio, --tasks,"
                + " --version, --warehouse")
        .contains("See 'mimicit convert-images --help'.");
  }

  @Test
  void namesAMissingRequiredOption() {
    assertThat(run("convert-instructions", "--input", "x")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--warehouse=DIR'");
  }

  @Test
  void rejectsAnUnknownCommand() {
    assertThat(run("convert-everything")).isEqualTo(2);
    assertThat(err.toString())
        .contains("Unmatched argument at index 0: 'convert-everything'")
        .contains(
            "Commands: convert-images, convert-sources, convert-instructions, join-incontext,"
                + " expand-multilingual, generate-instructions, export-shards, verify, report,"
                + " pipeline, help");
  }

  @Test
  void failsWithOneLineNamingTheBadValue() {
    assertThat(
            run(
                "convert-images",
                "--input",
                "/in",
                "--warehouse",
                "/wh",
                "--max-reject-ratio",
                "1.5"))
        .isEqualTo(1);
    assertThat(err.toString().strip())
        .isEqualTo(
            "mimicit convert-images: error: Cannot set "
                + "--max-reject-ratio to 1.5, the value must be between 0 and 1.");
  }

  @Test
  void takesTheCauseMessageOnOneLine() {
    assertThat(
            org.mimicit.jobs.cli.Launcher.oneLine(
                new RuntimeException(
                    "wrapper",
                    new org.mimicit.common.error.MimicitException("Cannot read x:\n  broken"))))
        .isEqualTo("Cannot read x: broken");
  }

  @Test
  void takesOptionDefaultsFromAConfFileAndTheCommandLineWins(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    java.nio.file.Path file = tmp.resolve("cluster.properties");
    java.nio.file.Files.writeString(
        file,
        "spark.sql.shuffle.partitions=400\nmax-reject-ratio=1.5\n"
            + "convert-images.max-reject-ratio=1.25\n");
    assertThat(
            run(
                "convert-instructions",
                "--input",
                "/in",
                "--warehouse",
                "/wh",
                "--conf-file",
                file.toString()))
        .isEqualTo(1);
    assertThat(err.toString()).contains("Cannot set --max-reject-ratio to 1.5");
    assertThat(run("convert-images", "--input", "/in", "--warehouse", "/wh", "--conf-file=" + file))
        .isEqualTo(1);
    assertThat(err.toString())
        .contains("Cannot set --max-reject-ratio to 1.25"); // the command's own key first
    assertThat(
            run(
                "convert-images",
                "--input",
                "/in",
                "--warehouse",
                "/wh",
                "--conf-file",
                file.toString(),
                "--max-reject-ratio",
                "2.5"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("Cannot set --max-reject-ratio to 2.5");

    SparkOptions spark = new SparkOptions();
    new picocli.CommandLine(spark)
        .parseArgs(
            "--conf-file",
            file.toString(),
            "--conf",
            "spark.sql.shuffle.partitions=8",
            "--conf",
            "spark.executor.memory=8g");
    assertThat(spark.conf())
        .containsExactly(
            java.util.Map.entry("spark.sql.shuffle.partitions", "8"),
            java.util.Map.entry("spark.executor.memory", "8g"));
  }

  @Test
  void rejectsAConfFileKeyThatNamesNoOption(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    java.nio.file.Path file = tmp.resolve("typo.properties");
    java.nio.file.Files.writeString(file, "max-rejects-ratio=0.1\n");
    assertThat(run("convert-images", "--conf-file", file.toString(), "--help")).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "mimicit: --conf-file: unknown key(s) max-rejects-ratio: use spark.* for Spark "
                + "settings");
    assertThat(run("convert-images", "--conf-file", tmp.resolve("missing.properties").toString()))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("Cannot read --conf-file " + tmp.resolve("missing.properties"));
  }
}
