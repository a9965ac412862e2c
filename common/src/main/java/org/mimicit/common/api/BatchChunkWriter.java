package org.mimicit.common.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.function.Consumer;
import org.mimicit.common.error.MimicitException;

/**
 * Writes batches as Batch API request files, streaming: a new chunk when the next line would pass
 * the requests or bytes limit; each chunk marked complete ({@code chunk.json}) when closed, then
 * handed on. The custom id of a request is its request key ({@link #customId}).
 */
final class BatchChunkWriter<B> implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final BatchLedger ledger;
  private final BatchWork<B> work;
  private final ApiSettings api;
  private final BatchSettings limits;
  private final String idPrefix;
  private final int attempt;
  private final boolean online;
  private final Consumer<BatchLedger.Chunk> onClosed;
  private BatchLedger.Chunk chunk;
  private OutputStream input;
  private OutputStream units;
  private long requests;
  private long bytes;
  private int count;

  BatchChunkWriter(
      BatchLedger ledger,
      BatchWork<B> work,
      ApiSettings api,
      BatchSettings limits,
      String idPrefix,
      int attempt,
      boolean online,
      Consumer<BatchLedger.Chunk> onClosed) {
    this.ledger = ledger;
    this.work = work;
    this.api = api;
    this.limits = limits;
    this.idPrefix = idPrefix;
    this.attempt = attempt;
    this.online = online;
    this.onClosed = onClosed;
  }

  /**
   * The custom id of a request: its units' cache key when it has one unit (a generation request),
   * else the SHA-256 of its units' keys; with {@code .<attempt>} from the second attempt on, so
   * that no custom id is submitted twice.
   */
  static String customId(List<String> keys, int attempt) {
    String key = keys.size() == 1 ? keys.get(0) : RequestKey.of(keys.toArray(new String[0]));
    return attempt > 1 ? key + "." + attempt : key;
  }

  /** Adds one request; {@code reason}, when not null, says why it is asked again. */
  void add(B batch, String reason) {
    List<String> keys = work.keys(batch);
    String customId = customId(keys, attempt);
    ObjectNode line = JsonNodeFactory.instance.objectNode();
    line.put("custom_id", customId).put("method", "POST").put("url", api.batchEndpoint());
    line.set("body", HttpChatClient.bodyNode(api, work.request(batch), api.batchModel()));
    ObjectNode unitsLine = JsonNodeFactory.instance.objectNode();
    unitsLine.put("custom_id", customId).put("attempt", attempt);
    ArrayNode keyList = unitsLine.putArray("keys");
    keys.forEach(keyList::add);
    unitsLine.set("units", work.write(batch));
    if (reason != null) {
      unitsLine.put("reason", reason);
    }
    try {
      byte[] in = JSON.writeValueAsBytes(line);
      if (in.length + 1 > limits.maxBytes()) {
        throw new MimicitException(
            "Cannot put a request of %d bytes into a batch file of at most %d bytes: raise"
                + " --batch-max-bytes (the API allows up to %d) or lower --batch-items.",
            in.length + 1, limits.maxBytes(), BatchSettings.API_MAX_BYTES);
      }
      if (input == null
          || requests >= limits.maxRequests()
          || bytes + in.length + 1 > limits.maxBytes()) {
        closeChunk();
        openChunk();
      }
      input.write(in);
      input.write('\n');
      units.write(JSON.writeValueAsBytes(unitsLine));
      units.write('\n');
      requests++;
      bytes += in.length + 1;
    } catch (IOException e) {
      throw new MimicitException(
          e, "Cannot write the batch file %s: %s", chunk == null ? idPrefix : chunk.dir, e);
    }
  }

  private void openChunk() throws IOException {
    String id = idPrefix + String.format("%05d", ++count);
    chunk = new BatchLedger.Chunk(id, ledger.dirOf(id), attempt, online, 0);
    ledger.delete(chunk.dir); // what a kill left of it
    input = ledger.fs.create(chunk.file(BatchLedger.INPUT), true);
    units = ledger.fs.create(chunk.file(BatchLedger.UNITS), true);
    requests = 0;
    bytes = 0;
  }

  private void closeChunk() throws IOException {
    if (input == null) {
      return;
    }
    input.close();
    units.close();
    input = null;
    units = null;
    ObjectNode meta = JsonNodeFactory.instance.objectNode();
    meta.put("id", chunk.id)
        .put("attempt", attempt)
        .put("online", online)
        .put("requests", requests)
        .put("bytes", bytes);
    ledger.write(chunk.file(BatchLedger.CHUNK), meta);
    BatchLedger.Chunk done = new BatchLedger.Chunk(chunk.id, chunk.dir, attempt, online, requests);
    chunk = null;
    onClosed.accept(done);
  }

  /** Closes the last chunk; returns how many chunks were written. */
  @Override
  public void close() {
    try {
      closeChunk();
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot close the batch file in %s: %s", idPrefix, e);
    }
  }

  int chunks() {
    return count;
  }
}
