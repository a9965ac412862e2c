package org.mimicit.common.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.hadoop.fs.Path;
import org.mimicit.common.api.ApiCallException.Kind;
import org.mimicit.common.error.MimicitException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Batch API's control-plane calls of a {@link BatchRunner}, each tried again with backoff on
 * 429, 5xx, timeouts and cut connections, and failing the stage with the fix on a refusal (a wrong
 * key, base, model or deployment). A batch creation that failed is looked for before it is tried
 * again, so that a reply lost on its way back does not create a second batch.
 */
final class BatchCalls {
  private static final Logger LOG = LoggerFactory.getLogger(BatchCalls.class);

  /** Control-plane calls (upload, create, poll, download) tried this often on 429/5xx/timeouts. */
  static final int CALL_ATTEMPTS = 8;

  /** Pages of 100 batches searched for a batch created for a file before a kill recorded it. */
  static final int LIST_PAGES = 20;

  /** The metadata key naming the request file (chunk) a batch was created for. */
  static final String META_CHUNK = "mimicit_chunk";

  /**
   * Creates a chunk's batch. A failed call may have created it all the same (a reply lost on its
   * way back): before trying again, the batch is looked for among the API's batches.
   */
  BatchClient.Status create(BatchLedger.Chunk c) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return client.create(c.fileId, settings.window(), Map.of(META_CHUNK, c.id));
      } catch (ApiCallException e) {
        if (e.kind() == Kind.FATAL || e.kind() == Kind.REFUSED || attempt >= CALL_ATTEMPTS) {
          throw failed("create the batch of " + c.id, e);
        }
        Duration wait = backoff.delay(attempt, e.retryAfter(), ThreadLocalRandom.current());
        LOG.warn(
            "Batch API: creating the batch of {} failed ({}); looking for it, then again in {} ms",
            c.id,
            e.getMessage(),
            wait.toMillis());
        Thread.sleep(wait.toMillis());
        BatchClient.Status found = findBatch(c);
        if (found != null) {
          return found;
        }
      }
    }
  }

  /** The batch created for a chunk's file, when a kill came before its id was recorded. */
  BatchClient.Status findBatch(BatchLedger.Chunk c) throws InterruptedException {
    String after = null;
    for (int page = 0; page < LIST_PAGES; page++) {
      String from = after;
      BatchClient.Page p = call("list batches", () -> client.list(from, 100));
      for (BatchClient.Status s : p.batches()) {
        if (c.fileId.equals(s.inputFileId()) || c.id.equals(s.metadata().get(META_CHUNK))) {
          return s;
        }
      }
      if (!p.hasMore() || p.lastId() == null) {
        return null;
      }
      after = p.lastId();
    }
    return null;
  }

  void download(String fileId, Path to) throws InterruptedException {
    if (fileId == null) {
      ledger.delete(to);
      return;
    }
    call(
        "download " + fileId,
        () -> {
          try (InputStream in = client.content(fileId);
              OutputStream out = ledger.fs.create(to, true)) {
            in.transferTo(out);
            return null;
          } catch (IOException e) {
            throw new ApiCallException(
                Kind.CONNECTION, 0, null, "download " + fileId + " cut: " + e, e);
          }
        });
  }

  /** Calls the API, trying again on 429, 5xx, timeouts and cut connections. */
  <T> T call(String what, Supplier<T> op) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return op.get();
      } catch (ApiCallException e) {
        if (e.kind() == Kind.FATAL || e.kind() == Kind.REFUSED || attempt >= CALL_ATTEMPTS) {
          throw failed(what, e);
        }
        Duration wait = backoff.delay(attempt, e.retryAfter(), ThreadLocalRandom.current());
        LOG.warn(
            "Batch API: {} failed ({}); again in {} ms", what, e.getMessage(), wait.toMillis());
        Thread.sleep(wait.toMillis());
      }
    }
  }

  private static MimicitException failed(String what, ApiCallException e) {
    return new MimicitException(
        e,
        "The Batch API failed to %s: %s. Check the API base (it must serve /files and /batches),"
            + " the key, the model and, for Azure, a Global Batch deployment and an api-version"
            + " with batches (%s or later).",
        what,
        e.getMessage(),
        ApiSettings.DEFAULT_AZURE_BATCH_VERSION);
  }

  private final BatchClient client;
  private final BatchSettings settings;
  private final BatchLedger ledger;
  private final Backoff backoff;

  BatchCalls(BatchClient client, BatchSettings settings, BatchLedger ledger, Backoff backoff) {
    this.client = client;
    this.settings = settings;
    this.ledger = ledger;
    this.backoff = backoff;
  }
}
