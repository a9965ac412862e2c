package org.mimicit.common.stats;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.ingest.IngestResult;
import org.mimicit.common.ingest.TaskCounts;

/**
 * {@code _stats/<job>.json} in the warehouse: rows in, rows out, rejected per reason, per task,
 * duration. Written last, through a temporary file and a rename, so its presence means the job
 * finished.
 */
public final class JobStats {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private JobStats() {}

  /** The stats document of an ingest job. */
  public static ObjectNode of(
      String job,
      Instant started,
      long durationMs,
      Map<String, String> paths,
      IngestResult result) {
    ObjectNode root = JSON.createObjectNode();
    root.put("job", job);
    root.put("started", started.toString());
    root.put("duration_ms", durationMs);
    ObjectNode p = root.putObject("paths");
    paths.forEach(p::put);
    root.put("rows_in", result.rowsIn());
    root.put("rows_out", result.rowsOut());
    root.put("rejected_total", result.rejected());
    ObjectNode rejected = root.putObject("rejected");
    result.rejectedByReason().forEach(rejected::put);
    ObjectNode tasks = root.putObject("tasks");
    result.tasks().forEach((task, c) -> tasks.set(task, of(c)));
    return root;
  }

  private static ObjectNode of(TaskCounts c) {
    ObjectNode t = JSON.createObjectNode();
    t.put("rows_in", c.rowsIn());
    t.put("rows_out", c.rowsOut());
    t.put("bytes_out", c.bytesOut());
    ObjectNode r = t.putObject("rejected");
    c.rejected().forEach(r::put);
    return t;
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
