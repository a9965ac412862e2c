package org.mimicit.jobs.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.mimicit.common.error.MimicitException;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A {@code --conf-file} overlay ({@code conf/<env>.properties}): {@code spark.*} keys are Spark
 * settings, other keys are option defaults, named like the option without its dashes ({@code
 * max-reject-ratio=0.01}) or for one command only with its name in front ({@code
 * expand-multilingual.max-requests-per-minute=3000}). Precedence: the command line, then the file,
 * then the built-in defaults.
 */
public final class ConfFile implements CommandLine.IDefaultValueProvider {
  public static final String OPTION = "--conf-file";
  private final Properties properties;

  private ConfFile(Properties properties) {
    this.properties = properties;
  }

  /** The file named by {@code --conf-file} in {@code args}, or null when there is none. */
  static ConfFile fromArgs(String... args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(OPTION) && i + 1 < args.length) {
        return new ConfFile(read(args[i + 1]));
      }
      if (args[i].startsWith(OPTION + "=")) {
        return new ConfFile(read(args[i].substring(OPTION.length() + 1)));
      }
    }
    return null;
  }

  /** The properties of a file. */
  static Properties read(String file) {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
      p.load(in);
      return p;
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot read --conf-file %s: %s", file, e.getMessage());
    }
  }

  /** The Spark settings of a file: its {@code spark.*} keys. */
  static Map<String, String> sparkSettings(String file) {
    Map<String, String> spark = new LinkedHashMap<>();
    Properties p = read(file);
    for (String key : new TreeSet<>(p.stringPropertyNames())) {
      if (key.startsWith("spark.")) {
        spark.put(key, p.getProperty(key).trim());
      }
    }
    return spark;
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || arg.command() == null) {
      return null;
    }
    String name = option.longestName().replaceFirst("^-+", "");
    String value = properties.getProperty(arg.command().name() + "." + name);
    if (value == null) {
      value = properties.getProperty(name);
    }
    return value == null ? null : value.trim();
  }

  /**
   * The keys that are neither Spark settings nor an option of any command: a typo in a file must
   * not pass silently.
   */
  Set<String> unknownKeys(CommandSpec root) {
    Set<String> known = new TreeSet<>();
    for (CommandLine sub : root.subcommands().values()) {
      for (OptionSpec o : sub.getCommandSpec().options()) {
        String name = o.longestName().replaceFirst("^-+", "");
        known.add(name);
        known.add(sub.getCommandName() + "." + name);
      }
    }
    Set<String> unknown = new TreeSet<>();
    for (String key : properties.stringPropertyNames()) {
      if (!key.startsWith("spark.") && !known.contains(key)) {
        unknown.add(key);
      }
    }
    return unknown;
  }
}
