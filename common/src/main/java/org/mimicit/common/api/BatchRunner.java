package org.mimicit.common.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.mimicit.common.error.MimicitException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a stage's requests through the Batch API, exactly once across kills. New batches are written
 * as request files of at most {@code --batch-max-requests} lines and {@code --batch-max-bytes}
 * ({@link BatchChunkWriter}) in the warehouse cache's batch records ({@link BatchLedger}); each is
 * uploaded, its file id recorded, its batch created (with the chunk's name in {@code metadata}) and
 * the batch id recorded before it is ever polled. The batches in flight are polled with a growing
 * interval and their progress logged; a finished batch's output and error files are downloaded and
 * every line is judged exactly as an online reply ({@link ApiRunner.Work#accept}: the same checks,
 * the same cache). What a batch left unanswered (error lines, malformed lines, lines an expired,
 * cancelled or failed batch never ran, units a reply got wrong) goes into a new batch, or with
 * {@code --batch-fallback online} to the online path, up to {@code --max-attempts}, then is given
 * up ({@code api_failed}). A run first resumes the chunks an earlier run left unfinished: it polls
 * their batches, and when a kill came between creating a batch and recording it, finds the batch by
 * its file among the API's batches instead of creating another.
 */
public final class BatchRunner<B> {
  /** The online path, for {@code --batch-fallback online}. */
  public record Online(ChatClient client, RequestBudget budget, int concurrency) {}

  /** The stage's new requests, handed one by one to {@code sink}. */
  public interface Feed<B> {
    void feed(Consumer<B> sink) throws Exception;
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(BatchRunner.class);
  private static final long PROGRESS_NANOS = 60_000_000_000L;

  private final BatchClient client;
  private final ApiSettings api;
  private final BatchSettings settings;
  private final Configuration conf;
  private final String cacheDir;
  private final int rollSeconds;
  private final ApiMetrics metrics;
  private final Online online;
  private final Function<ApiCacheWriter, BatchWork<B>> works;
  private final BatchLedger ledger;
  private final BatchCalls calls;
  private final List<BatchLedger.Chunk> live = new ArrayList<>();
  private BatchWork<B> work;
  private int created;
  private long loggedAt;

  /**
   * @param works the stage's work persisting into the cache writer given (one for the batches, one
   *     per online fallback chunk)
   */
  public BatchRunner(
      BatchClient client,
      ApiSettings api,
      BatchSettings settings,
      Configuration conf,
      String cacheDir,
      int rollSeconds,
      ApiMetrics metrics,
      Online online,
      Function<ApiCacheWriter, BatchWork<B>> works) {
    this.client = client;
    this.api = api;
    this.settings = settings;
    this.conf = conf;
    this.cacheDir = cacheDir;
    this.rollSeconds = rollSeconds;
    this.metrics = metrics;
    this.online = online;
    this.works = works;
    this.ledger = new BatchLedger(conf, cacheDir);
    this.calls =
        new BatchCalls(client, settings, ledger, new Backoff(api.backoffBase(), api.backoffMax()));
  }

  /**
   * The units files of the batches an earlier run left in flight: their units are not to be asked
   * for again (the stage leaves them out of its pending work; this run resumes those batches).
   */
  public static List<String> heldUnitFiles(Configuration conf, String cacheDir) {
    return BatchLedger.heldUnitFiles(conf, cacheDir);
  }

  /** Batches created by this runner. */
  public int created() {
    return created;
  }

  /** Resumes the unfinished chunks, sends {@code feed}'s requests, and waits for every answer. */
  public void run(Feed<B> feed) throws InterruptedException {
    String runTag =
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
            + "-"
            + UUID.randomUUID().toString().substring(0, 6);
    try (ApiCacheWriter cache =
        new ApiCacheWriter(conf, cacheDir, "batch-" + runTag, rollSeconds)) {
      work = works.apply(cache);
      List<BatchLedger.Chunk> resumed = ledger.open();
      if (!resumed.isEmpty()) {
        LOG.info(
            "Batch API: resuming {} request file(s) an earlier run left unfinished: {}",
            resumed.size(),
            resumed.stream().map(c -> c.id + (c.batchId == null ? "" : " " + c.batchId)).toList());
      }
      for (BatchLedger.Chunk c : resumed) {
        live.add(c);
        start(c);
      }
      try (BatchChunkWriter<B> writer =
          new BatchChunkWriter<>(
              ledger, work, api, settings, runTag + "-", 1, false, this::startNew)) {
        try {
          feed.feed(b -> writer.add(b, null));
        } catch (InterruptedException | RuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new MimicitException(e, "Cannot write the batch requests: %s", e);
        }
      }
      poll();
    }
  }

  private void startNew(BatchLedger.Chunk c) {
    live.add(c);
    try {
      start(c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MimicitException(e, "Interrupted while submitting %s", c.id);
    }
  }

  /** Uploads a chunk and creates its batch, each step recorded, unless done before. */
  private void start(BatchLedger.Chunk c) throws InterruptedException {
    if (c.online) {
      return;
    }
    if (c.fileId == null) {
      Path input = c.file(BatchLedger.INPUT);
      long length;
      try {
        length = ledger.fs.getFileStatus(input).getLen();
      } catch (IOException e) {
        throw new MimicitException(e, "Cannot read %s: %s", input, e.getMessage());
      }
      c.fileId =
          calls.call(
              "upload " + c.id,
              () ->
                  client.upload(
                      "mimicit-" + c.id + ".jsonl",
                      length,
                      () -> {
                        try {
                          return ledger.fs.open(input);
                        } catch (IOException e) {
                          throw new MimicitException(e, "Cannot read %s: %s", input, e);
                        }
                      }));
      ledger.write(
          c.file(BatchLedger.FILE), JsonNodeFactory.instance.objectNode().put("file_id", c.fileId));
    }
    if (c.batchId == null) {
      BatchClient.Status found = c.resumed ? calls.findBatch(c) : null;
      if (found == null) {
        found = calls.create(c);
        created++;
        for (long i = 0; i < c.requests; i++) {
          metrics.sent(c.attempt > 1);
        }
        LOG.info(
            "Batch API: created {} for {} ({} request(s), attempt {})",
            found.id(),
            c.id,
            c.requests,
            c.attempt);
      } else {
        LOG.info("Batch API: {} was created for {} before a kill: polling it", found.id(), c.id);
      }
      c.batchId = found.id();
      c.status = found;
      ledger.write(
          c.file(BatchLedger.BATCH),
          JsonNodeFactory.instance
              .objectNode()
              .put("batch_id", c.batchId)
              .put("file_id", c.fileId));
    }
  }

  /** Polls the batches in flight until every chunk is done, the wait growing while none moves. */
  private void poll() throws InterruptedException {
    Duration wait = settings.pollInterval();
    long startedAt = System.nanoTime();
    long doneAtStart = -1;
    while (!live.isEmpty()) {
      boolean moved = false;
      for (BatchLedger.Chunk c : List.copyOf(live)) {
        if (c.online) {
          runOnline(c);
          live.remove(c);
          moved = true;
          continue;
        }
        BatchClient.Status s = calls.call("poll " + c.batchId, () -> client.get(c.batchId));
        moved |=
            c.status == null
                || !s.status().equals(c.status.status())
                || s.completed() + s.failed() != c.status.completed() + c.status.failed();
        c.status = s;
        if (s.terminal()) {
          settle(c);
          live.remove(c);
        }
      }
      long[] counts = counts();
      if (doneAtStart < 0) {
        doneAtStart = counts[1] + counts[2];
      }
      progress(counts, doneAtStart, startedAt, moved);
      if (!live.isEmpty()) {
        Thread.sleep(wait.toMillis());
        wait =
            moved
                ? settings.pollInterval()
                : Duration.ofMillis(
                    Math.min(wait.toMillis() * 3 / 2, settings.pollMax().toMillis()));
      }
    }
  }

  /** Requests in the batches in flight: total, completed, failed. */
  private long[] counts() {
    long[] counts = new long[3];
    for (BatchLedger.Chunk c : live) {
      if (c.status != null) {
        counts[0] += Math.max(c.status.total(), c.requests);
        counts[1] += c.status.completed();
        counts[2] += c.status.failed();
      }
    }
    return counts;
  }

  private void progress(long[] counts, long doneAtStart, long startedAt, boolean moved) {
    long now = System.nanoTime();
    if (live.isEmpty() || (!moved && now - loggedAt < PROGRESS_NANOS)) {
      return;
    }
    loggedAt = now;
    Map<String, Integer> byStatus = new TreeMap<>();
    live.forEach(
        c -> byStatus.merge(c.status == null ? "submitting" : c.status.status(), 1, Integer::sum));
    long done = counts[1] + counts[2];
    double perNano = (done - doneAtStart) / (double) Math.max(1, now - startedAt);
    String eta =
        perNano > 0
            ? ", about " + Duration.ofSeconds((long) ((counts[0] - done) / perNano / 1e9)) + " left"
            : "";
    LOG.info(
        "Batch API: {} batch(es) in flight {}: {} of {} request(s) answered, {} failed{}",
        live.size(),
        byStatus,
        counts[1],
        counts[0],
        counts[2],
        eta.replace("PT", "").toLowerCase(java.util.Locale.ROOT));
  }

  /**
   * Judges every line of a finished batch, then turns what was not accepted into new chunks or
   * gives it up. Each of the two steps is recorded, so that a kill repeats at most the step it
   * interrupted.
   */
  private void settle(BatchLedger.Chunk c) throws InterruptedException {
    BatchClient.Status s = c.status;
    if (!ledger.exists(c.file(BatchLedger.SETTLED))) {
      if (s.errors() != null) {
        LOG.warn("Batch API: {} ended {}: {}", s.id(), s.status(), s.errors());
      }
      calls.download(s.outputFileId(), c.file(BatchLedger.OUTPUT));
      calls.download(s.errorFileId(), c.file(BatchLedger.ERRORS));
      long[] judged = new BatchReplies<>(ledger, work, metrics).judge(c, s.status());
      ledger.write(
          c.file(BatchLedger.SETTLED),
          JsonNodeFactory.instance
              .objectNode()
              .put("status", s.status())
              .put("accepted_requests", judged[0])
              .put("retried_requests", judged[1]));
      LOG.info(
          "Batch API: {} ({}) {}: {} request(s) accepted in full, {} to ask again",
          s.id(),
          c.id,
          s.status(),
          judged[0],
          judged[1]);
    }
    boolean last = c.attempt >= api.maxAttempts();
    // the retries are submitted once this chunk is done: until then a kill rewrites them unsent
    List<BatchLedger.Chunk> next = new ArrayList<>();
    try (BatchChunkWriter<B> retries =
            new BatchChunkWriter<>(
                ledger,
                work,
                api,
                settings,
                c.id + "-r",
                c.attempt + 1,
                settings.fallbackOnline(),
                next::add);
        InputStream in = ledger.fs.open(c.file(BatchLedger.RETRIES))) {
      BatchReplies.forEachLine(
          in,
          (offset, bytes) -> {
            JsonNode line = JSON.readTree(bytes);
            B b = work.read(line.path("units"));
            String reason = line.path("reason").asText();
            if (last && !settings.fallbackOnline()) {
              work.giveUp(b, reason + " (after " + c.attempt + " batch attempt(s))");
            } else {
              retries.add(b, reason);
            }
          });
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot read %s: %s", c.file(BatchLedger.RETRIES), e);
    }
    ledger.write(c.file(BatchLedger.DONE), JsonNodeFactory.instance.objectNode().put("done", true));
    next.forEach(this::startNew);
  }

  /** The requests of an online chunk through the online path; what it accepted before, skipped. */
  private void runOnline(BatchLedger.Chunk c) throws InterruptedException {
    checkOnline();
    String prefix = "batch-online-" + c.id;
    Set<String> done = ApiCacheReader.keysOf(conf, cacheDir, prefix + "-");
    LOG.info("Batch API: {} request(s) of {} through the online path", c.requests, c.id);
    try (ApiCacheWriter cache = new ApiCacheWriter(conf, cacheDir, prefix, rollSeconds);
        ApiRunner<B> runner =
            new ApiRunner<>(
                online.client(),
                api,
                online.budget(),
                online.concurrency(),
                metrics,
                works.apply(cache));
        InputStream in = ledger.fs.open(c.file(BatchLedger.UNITS))) {
      Set<String> notDone = new HashSet<>();
      BatchReplies.forEachLine(
          in,
          (offset, bytes) -> {
            JsonNode u = JSON.readTree(bytes);
            B b = work.read(u.path("units"));
            notDone.clear();
            work.keys(b).stream().filter(k -> !done.contains(k)).forEach(notDone::add);
            B left = work.only(b, notDone);
            if (left != null) {
              try {
                runner.submit(left);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
              }
            }
          });
      runner.finish();
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot read %s: %s", c.file(BatchLedger.UNITS), e);
    }
    ObjectNode record = JsonNodeFactory.instance.objectNode().put("online", true);
    ledger.write(c.file(BatchLedger.SETTLED), record);
    ledger.write(c.file(BatchLedger.DONE), record);
  }

  private void checkOnline() {
    if (online == null) {
      throw new MimicitException(
          "Cannot send the requests batches left unanswered online: no online client is"
              + " configured. Run with --batch-fallback batch.");
    }
  }
}
