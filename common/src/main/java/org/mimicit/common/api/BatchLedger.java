package org.mimicit.common.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mimicit.common.error.MimicitException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Batch API's records in the warehouse cache, {@code <cache>/_batch/<chunk>/} (the leading
 * underscore keeps Spark's reads of the cache out of it). A chunk is one request file: {@code
 * input.jsonl} (the lines uploaded), {@code units.jsonl} (the same requests' units, to judge the
 * replies), then, each written once its step is done, {@code chunk.json} (the chunk is complete),
 * {@code file.json} (the uploaded file's id), {@code batch.json} (the batch's id, written before
 * the batch is ever polled), {@code output.jsonl} and {@code errors.jsonl} (downloaded), {@code
 * retries.jsonl} and {@code settled.json} (every reply judged: what was not accepted is listed),
 * {@code done.json} (the retries are chunks of their own, or given up). A chunk without {@code
 * done.json} holds its units: no other request asks for them.
 */
final class BatchLedger {
  static final String DIR = "_batch";
  static final String CHUNK = "chunk.json";
  static final String FILE = "file.json";
  static final String BATCH = "batch.json";
  static final String SETTLED = "settled.json";
  static final String DONE = "done.json";
  static final String INPUT = "input.jsonl";
  static final String UNITS = "units.jsonl";
  static final String OUTPUT = "output.jsonl";
  static final String ERRORS = "errors.jsonl";
  static final String RETRIES = "retries.jsonl";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(BatchLedger.class);

  /** One request file and where it stands. */
  static final class Chunk {
    final String id;
    final Path dir;
    final int attempt;
    final boolean online;
    final long requests;
    String fileId;
    String batchId;
    boolean resumed;
    BatchClient.Status status;

    Chunk(String id, Path dir, int attempt, boolean online, long requests) {
      this.id = id;
      this.dir = dir;
      this.attempt = attempt;
      this.online = online;
      this.requests = requests;
    }

    Path file(String name) {
      return new Path(dir, name);
    }
  }

  final FileSystem fs;
  final Path root;

  BatchLedger(Configuration conf, String cacheDir) {
    this.root = new Path(cacheDir, DIR);
    try {
      this.fs = root.getFileSystem(conf);
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot open the batch records %s: %s", root, e.getMessage());
    }
  }

  /**
   * The units files of the chunks not done, after clearing what a kill left half-written: those
   * units are held by a batch in flight (or about to be) and must not be asked for again. Run
   * before the stage reads what is pending.
   */
  public static List<String> heldUnitFiles(Configuration conf, String cacheDir) {
    BatchLedger ledger = new BatchLedger(conf, cacheDir);
    List<String> files = new ArrayList<>();
    for (Chunk c : ledger.open()) {
      files.add(c.file(UNITS).toString());
    }
    return files;
  }

  /**
   * The chunks not done, oldest first, with what their records say. Deletes chunk folders a kill
   * left incomplete (nothing of them was uploaded) and the retry chunks of a chunk whose retries
   * were not all written (they are written again).
   */
  List<Chunk> open() {
    try {
      if (!fs.exists(root)) {
        return List.of();
      }
      FileStatus[] dirs = fs.listStatus(root, p -> !p.getName().startsWith("."));
      Arrays.sort(dirs, Comparator.comparing(s -> s.getPath().getName()));
      List<String> redo = new ArrayList<>();
      for (FileStatus d : dirs) {
        Path dir = d.getPath();
        if (d.isDirectory()
            && fs.exists(new Path(dir, SETTLED))
            && !fs.exists(new Path(dir, DONE))) {
          redo.add(dir.getName() + "-r");
        }
      }
      List<Chunk> chunks = new ArrayList<>();
      for (FileStatus d : dirs) {
        Path dir = d.getPath();
        String name = dir.getName();
        if (!d.isDirectory()) {
          continue;
        }
        JsonNode meta = read(new Path(dir, CHUNK));
        if (meta == null || redo.stream().anyMatch(name::startsWith)) {
          LOG.info("Removing {}: a kill left it incomplete; it is written again", dir);
          fs.delete(dir, true);
          continue;
        }
        if (fs.exists(new Path(dir, DONE))) {
          continue;
        }
        Chunk c =
            new Chunk(
                name,
                dir,
                meta.path("attempt").asInt(1),
                meta.path("online").asBoolean(false),
                meta.path("requests").asLong(0));
        JsonNode file = read(c.file(FILE));
        c.fileId = file == null ? null : file.path("file_id").asText(null);
        JsonNode batch = read(c.file(BATCH));
        c.batchId = batch == null ? null : batch.path("batch_id").asText(null);
        c.resumed = true;
        chunks.add(c);
      }
      return chunks;
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot read the batch records %s: %s", root, e.getMessage());
    }
  }

  Path dirOf(String chunkId) {
    return new Path(root, chunkId);
  }

  boolean exists(Path p) {
    try {
      return fs.exists(p);
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot read %s: %s", p, e.getMessage());
    }
  }

  /** Writes a small record in one go (a half-written one reads as absent). */
  void write(Path p, ObjectNode record) {
    try (OutputStream out = fs.create(p, true)) {
      out.write(JSON.writeValueAsBytes(record));
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot write the batch record %s: %s", p, e.getMessage());
    }
  }

  /** A small record, or null when it is absent or cut. */
  JsonNode read(Path p) {
    try {
      if (!fs.exists(p)) {
        return null;
      }
      try (InputStream in = fs.open(p)) {
        return JSON.readTree(in);
      } catch (com.fasterxml.jackson.core.JsonProcessingException cut) {
        return null;
      }
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot read the batch record %s: %s", p, e.getMessage());
    }
  }

  void delete(Path p) {
    try {
      fs.delete(p, true);
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot delete %s: %s", p, e.getMessage());
    }
  }
}
