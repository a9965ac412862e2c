package org.mimicit.jobs.report;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.warehouse.Partitions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warehouse as the report sees it: each table read lazily (only the tasks asked for), or told
 * missing or empty; the {@code _stats/<job>.json} documents of the last runs.
 */
final class ReportInputs {
  private static final Logger LOG = LoggerFactory.getLogger(ReportInputs.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What is at a table's path. */
  enum State {
    PRESENT,
    MISSING,
    EMPTY
  }

  private final SparkSession spark;
  private final ReportConfig config;
  private final FileSystem fs;
  private final Path root;
  private final Map<String, State> states = new TreeMap<>();

  private ReportInputs(SparkSession spark, ReportConfig config, FileSystem fs, Path root) {
    this.spark = spark;
    this.config = config;
    this.fs = fs;
    this.root = root;
  }

  /** The warehouse at {@code config.warehouse()}; fails when it is no readable directory. */
  static ReportInputs open(SparkSession spark, ReportConfig config) {
    Configuration conf = spark.sessionState().newHadoopConf();
    Path root = new Path(config.warehouse());
    try {
      FileSystem fs = root.getFileSystem(conf);
      FileStatus status = fs.getFileStatus(root);
      if (!status.isDirectory()) {
        throw new MimicitException(
            "Cannot read the warehouse %s: it is a file, not a directory", config.warehouse());
      }
      fs.listStatus(root); // fails when the directory cannot be listed
      return new ReportInputs(spark, config, fs, root);
    } catch (FileNotFoundException e) {
      throw new MimicitException(
          e, "Cannot read the warehouse %s: no such directory", config.warehouse());
    } catch (IOException e) {
      throw new MimicitException(
          e, "Cannot read the warehouse %s: %s", config.warehouse(), e.getMessage());
    }
  }

  ReportConfig config() {
    return config;
  }

  SparkSession spark() {
    return spark;
  }

  /** Where each table looked at was found (present, missing, empty), by path. */
  Map<String, State> states() {
    return states;
  }

  /**
   * The table at {@code path} (relative to the warehouse), the asked-for tasks only; empty when it
   * is missing or holds no Parquet file.
   */
  Optional<Dataset<Row>> table(String path) {
    Path dir = new Path(root, path);
    State state = state(dir);
    states.put(path, state);
    if (state != State.PRESENT) {
      LOG.warn("report: table {} is {}", path, state.name().toLowerCase(java.util.Locale.ROOT));
      return Optional.empty();
    }
    Dataset<Row> rows = spark.read().parquet(dir.toString());
    if (!config.tasks().isEmpty()) {
      rows = rows.where(col(Partitions.TASK).isin(config.tasks().toArray()));
    }
    return Optional.of(rows);
  }

  /** Marks {@code path} empty: it has files but no row of the asked-for tasks. */
  void markEmpty(String path) {
    states.put(path, State.EMPTY);
  }

  /** The sub-folders of {@code path} (the tables of {@code rejected/}), sorted. */
  List<String> folders(String path) {
    List<String> names = new ArrayList<>();
    try {
      Path dir = new Path(root, path);
      if (!fs.exists(dir)) {
        return names;
      }
      for (FileStatus s : fs.listStatus(dir)) {
        String name = s.getPath().getName();
        if (s.isDirectory() && !name.startsWith("_") && !name.startsWith(".")) {
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot list %s/%s: %s", root, path, e.getMessage());
    }
    names.sort(null);
    return names;
  }

  /** {@code _stats/<job>.json}, when a run of the job wrote one. */
  Optional<JsonNode> stats(String job) {
    Path file = new Path(root, "_stats/" + job + ".json");
    try {
      if (!fs.exists(file)) {
        return Optional.empty();
      }
      try (InputStream in = fs.open(file)) {
        return Optional.of(JSON.readTree(in));
      }
    } catch (IOException e) {
      LOG.warn("report: cannot read {}: {}", file, e.getMessage());
      return Optional.empty();
    }
  }

  /** The jobs that left a {@code _stats} document, sorted. */
  List<String> statsJobs() {
    List<String> jobs = new ArrayList<>();
    try {
      Path dir = new Path(root, "_stats");
      if (fs.exists(dir)) {
        for (FileStatus s : fs.listStatus(dir)) {
          String name = s.getPath().getName();
          if (s.isFile() && name.endsWith(".json") && !name.startsWith(".")) {
            jobs.add(name.substring(0, name.length() - ".json".length()));
          }
        }
      }
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot list %s/_stats: %s", root, e.getMessage());
    }
    jobs.sort(null);
    return jobs;
  }

  private State state(Path dir) {
    try {
      if (!fs.exists(dir)) {
        return State.MISSING;
      }
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(dir, true);
      while (files.hasNext()) {
        LocatedFileStatus f = files.next();
        String name = f.getPath().getName();
        if (name.endsWith(".parquet") && f.getLen() > 0 && !name.startsWith(".")) {
          return State.PRESENT;
        }
      }
      return State.EMPTY;
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot read %s: %s", dir, e.getMessage());
    }
  }
}
