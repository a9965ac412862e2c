package org.mimicit.jobs;

import java.io.PrintWriter;
import org.mimicit.jobs.cli.Launcher;

/**
 * The entry point of every job: {@code mimicit <command> [options]}, locally through {@code
 * submit/mimicit} or on a cluster through {@code spark-submit --class org.mimicit.jobs.Main <jar>
 * <command> ...}. Exit codes: 0 done, 1 the job failed, 2 bad usage. The commands are the {@link
 * org.mimicit.jobs.cli.JobCommand}s of the jar; {@link Launcher} parses and runs them.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    Launcher.exit(execute(args));
  }

  /** Parses and runs; returns the exit code instead of exiting. */
  public static int execute(String... args) {
    return Launcher.execute(args);
  }

  /** As {@link #execute(String...)}, printing help and errors to the given writers. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    return Launcher.execute(out, err, args);
  }
}
