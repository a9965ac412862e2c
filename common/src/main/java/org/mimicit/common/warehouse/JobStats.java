package org.mimicit.common.warehouse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mimicit.common.error.MimicitException;

/**
 * {@code _stats/<job>.json} in the warehouse: rows in, rows out, rejected per reason, per task,
 * duration. Written last, through a temporary file and a rename, so its presence means the job
 * finished.
 */
public final class JobStats {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private JobStats() {}

  /**
   * The first fields of every job's stats document, in this order: {@code job}, {@code started},
   * {@code duration_ms}, {@code paths}. The job adds its own fields after them.
   */
  public static ObjectNode header(
      String job, Instant started, long durationMs, Map<String, String> paths) {
    ObjectNode root = JSON.createObjectNode();
    root.put("job", job);
    root.put("started", started.toString());
    root.put("duration_ms", durationMs);
    ObjectNode p = root.putObject("paths");
    paths.forEach(p::put);
    return root;
  }

  /** The {@code paths} of a header from name, value pairs, in the order given. */
  public static Map<String, String> paths(String... namesAndValues) {
    Map<String, String> paths = new LinkedHashMap<>();
    for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
      paths.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return paths;
  }

  /** Writes {@code stats} as {@code <warehouse>/_stats/<job>.json}, replacing an older one. */
  public static void write(Configuration conf, String warehouse, String job, ObjectNode stats) {
    Path target = new Path(warehouse, "_stats/" + job + ".json");
    Path temp = new Path(warehouse, "_stats/." + job + ".json.tmp");
    try {
      FileSystem fs = target.getFileSystem(conf);
      try (OutputStream out = fs.create(temp, true)) {
        JSON.writeValue(out, stats);
      }
      fs.delete(target, false);
      if (!fs.rename(temp, target)) {
        throw new IOException("rename of " + temp + " failed");
      }
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot write %s: %s", target, e.getMessage());
    }
  }
}
