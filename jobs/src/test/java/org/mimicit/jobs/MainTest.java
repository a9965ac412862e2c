package org.mimicit.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class MainTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void printsHelpForEveryCommand() {
    for (String command : new String[] {"convert-images", "convert-instructions", "join-incontext",
        "pipeline"}) {
      assertThat(run(command, "--help")).isZero();
      assertThat(out.toString()).contains("Usage: mimicit " + command);
    }
    assertThat(out.toString()).contains("--input=DIR", "--warehouse=DIR", "--tasks=TASK[,TASK...]",
        "--max-reject-ratio=R", "--conf=KEY=VALUE");
  }

  @Test
  void listsTheCommandsInTheTopLevelHelp() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("convert-images", "convert-instructions", "pipeline");
  }

  @Test
  void rejectsAnUnknownOptionWithTheValidOnes() {
    assertThat(run("convert-images", "--input", "x", "--warehouse", "y", "--bogus")).isEqualTo(2);
    assertThat(err.toString()).contains("mimicit convert-images: Unknown option: '--bogus'")
        .contains("Valid options: --conf, --help, --input, --max-reject-ratio, --tasks, --version, --warehouse")
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
    assertThat(err.toString()).contains("Unmatched argument at index 0: 'convert-everything'")
        .contains("Commands: convert-images, convert-sources, convert-instructions, join-incontext, pipeline, help");
  }

  @Test
  void failsWithOneLineNamingTheBadValue() {
    assertThat(run("convert-images", "--input", "/in", "--warehouse", "/wh",
        "--max-reject-ratio", "1.5")).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("mimicit convert-images: error: Cannot set "
        + "--max-reject-ratio to 1.5, the value must be between 0 and 1.");
  }

  @Test
  void takesTheCauseMessageOnOneLine() {
    assertThat(Main.oneLine(new RuntimeException("wrapper",
        new org.mimicit.common.error.MimicitException("Cannot read x:\n  broken"))))
        .isEqualTo("Cannot read x: broken");
  }
}
