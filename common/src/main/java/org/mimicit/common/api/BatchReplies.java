package org.mimicit.common.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.mimicit.common.error.MimicitException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges the replies of a finished batch, streaming: the output and error lines are matched to
 * their requests through an index of custom id to offset in {@code units.jsonl} (a chunk's
 * requests, never their contents, in memory), each reply judged as online ({@link
 * ApiRunner.Work#accept}: the same checks, the same cache), and what was not accepted written to
 * {@code retries.jsonl} with the reason: error lines (a 400 split as online), replies the checks
 * rejected (the rest split into single items, as online), and requests no readable line answered
 * (malformed lines, an expired, cancelled or failed batch).
 */
final class BatchReplies<B> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(BatchReplies.class);

  private final BatchLedger ledger;
  private final BatchWork<B> work;
  private final ApiMetrics metrics;

  BatchReplies(BatchLedger ledger, BatchWork<B> work, ApiMetrics metrics) {
    this.ledger = ledger;
    this.work = work;
    this.metrics = metrics;
  }

  /**
   * Judges the output and error lines of a chunk against its units; writes what is to be asked
   * again to {@code retries.jsonl}. Returns requests accepted in full, and requests retried.
   */
  long[] judge(BatchLedger.Chunk c, String status) {
    Map<String, long[]> index = new HashMap<>();
    long[] counts = new long[2];
    try (InputStream units = ledger.fs.open(c.file(BatchLedger.UNITS))) {
      forEachLine(
          units,
          (offset, bytes) ->
              index.put(
                  JSON.readTree(bytes).path("custom_id").asText(),
                  new long[] {offset, bytes.length}));
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot read %s: %s", c.file(BatchLedger.UNITS), e);
    }
    Set<String> seen = new HashSet<>();
    int[] malformed = new int[1];
    try (FSDataInputStream units = ledger.fs.open(c.file(BatchLedger.UNITS));
        OutputStream retries = ledger.fs.create(c.file(BatchLedger.RETRIES), true)) {
      Consumer<ObjectNode> retry =
          r -> {
            try {
              retries.write(JSON.writeValueAsBytes(r));
              retries.write('\n');
              counts[1]++;
            } catch (IOException e) {
              throw new MimicitException(e, "Cannot write %s: %s", c.file(BatchLedger.RETRIES), e);
            }
          };
      for (String name : List.of(BatchLedger.OUTPUT, BatchLedger.ERRORS)) {
        Path file = c.file(name);
        if (!ledger.exists(file)) {
          continue;
        }
        try (InputStream in = ledger.fs.open(file)) {
          forEachLine(
              in,
              (offset, bytes) -> {
                JsonNode line;
                try {
                  line = JSON.readTree(bytes);
                } catch (IOException bad) {
                  line = null;
                }
                String id = line == null ? null : line.path("custom_id").asText(null);
                long[] at = id == null ? null : index.get(id);
                if (at == null) {
                  if (malformed[0]++ < 3) {
                    LOG.warn(
                        "Batch API: {} of {}: a line that names no request of it: {}",
                        name,
                        c.batchId,
                        start(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)));
                  }
                  return;
                }
                if (!seen.add(id)) {
                  return;
                }
                byte[] unitLine = new byte[(int) at[1]];
                units.readFully(at[0], unitLine);
                B b = work.read(JSON.readTree(unitLine).path("units"));
                if (judgeLine(line, b, retry)) {
                  counts[0]++;
                }
              });
        }
      }
      String reason = "no reply: the batch " + c.batchId + " ended " + status;
      units.seek(0);
      forEachLine(
          units,
          (offset, bytes) -> {
            JsonNode u = JSON.readTree(bytes);
            if (!seen.contains(u.path("custom_id").asText())) {
              metrics.failedAttempt();
              retry.accept(retryLine(u.path("units"), reason));
            }
          });
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot read the replies of %s: %s", c.batchId, e);
    }
    if (malformed[0] > 0) {
      LOG.warn(
          "Batch API: {} line(s) of {} unreadable or naming no request; their requests are asked"
              + " again",
          malformed[0],
          c.batchId);
    }
    return counts;
  }

  /** One output or error line; true when its request was accepted in full. */
  private boolean judgeLine(JsonNode line, B b, Consumer<ObjectNode> retry) throws IOException {
    JsonNode response = line.path("response");
    int code = response.path("status_code").asInt(0);
    JsonNode error = line.get("error");
    if (code == 200 && (error == null || error.isNull())) {
      ChatReply reply;
      try {
        reply = HttpChatClient.parse(JSON.writeValueAsBytes(response.path("body")), Duration.ZERO);
      } catch (ApiCallException e) {
        metrics.failedAttempt();
        retry.accept(retryLine(work.write(b), e.getMessage()));
        return false;
      }
      metrics.tokens(reply.promptTokens(), reply.completionTokens());
      ApiRunner.Rest<B> rest = work.accept(b, reply);
      if (rest == null) {
        return true;
      }
      metrics.failedAttempt();
      // as online: one bad item must not fail the others with it
      for (B part : work.split(rest.batch())) {
        retry.accept(retryLine(work.write(part), rest.reason()));
      }
      return false;
    }
    metrics.failedAttempt();
    String reason =
        error != null && !error.isNull()
            ? "error " + error.path("code").asText() + ": " + error.path("message").asText()
            : "HTTP "
                + code
                + ": "
                + start(response.path("body").path("error").path("message").asText(""));
    for (B part : code == 400 ? work.split(b) : List.of(b)) {
      retry.accept(retryLine(work.write(part), reason));
    }
    return false;
  }

  private static ObjectNode retryLine(JsonNode units, String reason) {
    ObjectNode r = JsonNodeFactory.instance.objectNode();
    r.set("units", units);
    r.put("reason", reason);
    return r;
  }

  /** What to do with one line: its offset in the file and its bytes, without the newline. */
  interface LineHandler {
    void line(long offset, byte[] bytes) throws IOException;
  }

  /** Reads a file line by line, streaming, with each line's byte offset; empty lines skipped. */
  static void forEachLine(InputStream raw, LineHandler handler) throws IOException {
    InputStream in = new BufferedInputStream(raw, 1 << 16);
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    long offset = 0;
    long start = 0;
    for (int b = in.read(); ; b = in.read()) {
      if (b == '\n' || b < 0) {
        if (line.size() > 0) {
          handler.line(start, line.toByteArray());
        }
        line.reset();
        if (b < 0) {
          return;
        }
        offset++;
        start = offset;
      } else {
        line.write(b);
        offset++;
      }
    }
  }

  private static String start(String text) {
    String t = text.replaceAll("\\s+", " ").trim();
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }
}
