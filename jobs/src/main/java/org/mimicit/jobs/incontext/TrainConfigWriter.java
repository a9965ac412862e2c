package org.mimicit.jobs.incontext;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mimicit.common.error.MimicitException;
import org.mimicit.common.schema.InContextSchema;
import org.mimicit.common.warehouse.Partitions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the relations in use as {@code <DIR>/<TASK>_train.json}, {@code {ins_id: [ids]}} in id
 * order, so the Otter trainer can use them. Streams: rows come to the driver one partition at a
 * time, and each file is written through a temporary name and renamed when complete.
 */
final class TrainConfigWriter {
  private static final Logger LOG = LoggerFactory.getLogger(TrainConfigWriter.class);
  private static final JsonFactory JSON = new JsonFactory();

  private TrainConfigWriter() {}

  static void write(SparkSession spark, Dataset<Row> incontext, String dir) {
    Configuration conf = spark.sessionState().newHadoopConf();
    Iterator<Row> rows =
        incontext
            .select(
                col(Partitions.TASK),
                col(InContextSchema.INS_ID),
                col(InContextSchema.CONTEXT_INS_IDS))
            .orderBy(Partitions.TASK, InContextSchema.INS_ID)
            .toLocalIterator();
    String task = null;
    JsonGenerator out = null;
    Path temp = null;
    try {
      FileSystem fs = new Path(dir).getFileSystem(conf);
      while (rows.hasNext()) {
        Row r = rows.next();
        if (!r.getString(0).equals(task)) {
          finish(fs, out, temp, dir, task);
          task = r.getString(0);
          temp = new Path(dir, "." + task + "_train.json.tmp");
          OutputStream stream = fs.create(temp, true);
          out = JSON.createGenerator(stream);
          out.writeStartObject();
        }
        out.writeFieldName(r.getString(1));
        List<String> ids = r.getList(2);
        out.writeStartArray();
        for (String id : ids) {
          out.writeString(id);
        }
        out.writeEndArray();
      }
      finish(fs, out, temp, dir, task);
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot write train configs to %s: %s", dir, e.getMessage());
    }
  }

  private static void finish(FileSystem fs, JsonGenerator out, Path temp, String dir, String task)
      throws IOException {
    if (out == null) {
      return;
    }
    out.writeEndObject();
    out.close();
    Path target = new Path(dir, task + "_train.json");
    fs.delete(target, false);
    if (!fs.rename(temp, target)) {
      throw new IOException("rename of " + temp + " to " + target + " failed");
    }
    LOG.info("Wrote {}", target);
  }
}
