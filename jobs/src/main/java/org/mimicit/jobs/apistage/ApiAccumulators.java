package org.mimicit.jobs.apistage;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;
import org.mimicit.common.api.ApiMetrics;

/**
 * {@link ApiMetrics} as Spark accumulators, so the driver sees what every task counts. A task's
 * requests run on several threads and an accumulator's {@code add} is not atomic, hence the locks.
 */
public final class ApiAccumulators implements ApiMetrics {
  final LongAccumulator sent;
  final LongAccumulator retries;
  final LongAccumulator rateLimited;
  final LongAccumulator failedAttempts;
  final LongAccumulator promptTokens;
  final LongAccumulator completionTokens;
  final LongAccumulator accepted;
  final LongAccumulator rejected;

  public ApiAccumulators(SparkContext sc) {
    sent = sc.longAccumulator("mimicit.api.requests");
    retries = sc.longAccumulator("mimicit.api.retries");
    rateLimited = sc.longAccumulator("mimicit.api.http_429");
    failedAttempts = sc.longAccumulator("mimicit.api.failed_attempts");
    promptTokens = sc.longAccumulator("mimicit.api.prompt_tokens");
    completionTokens = sc.longAccumulator("mimicit.api.completion_tokens");
    accepted = sc.longAccumulator("mimicit.api.accepted");
    rejected = sc.longAccumulator("mimicit.api.rejected");
  }

  @Override
  public synchronized void sent(boolean retry) {
    sent.add(1);
    if (retry) {
      retries.add(1);
    }
  }

  @Override
  public synchronized void rateLimited() {
    rateLimited.add(1);
  }

  @Override
  public synchronized void failedAttempt() {
    failedAttempts.add(1);
  }

  @Override
  public synchronized void tokens(int prompt, int completion) {
    promptTokens.add(prompt);
    completionTokens.add(completion);
  }

  @Override
  public synchronized void accepted(int units) {
    accepted.add(units);
  }

  @Override
  public synchronized void rejected(int units) {
    rejected.add(units);
  }

  /** The counts so far by stats name, as the stats file shows them. */
  public Map<String, Long> values() {
    Map<String, Long> values = new LinkedHashMap<>();
    all().forEach((name, acc) -> values.put(name, acc.value()));
    return values;
  }

  /** The accumulators by stats name. */
  public Map<String, LongAccumulator> all() {
    Map<String, LongAccumulator> all = new LinkedHashMap<>();
    all.put("requests", sent);
    all.put("retries", retries);
    all.put("http_429", rateLimited);
    all.put("failed_attempts", failedAttempts);
    all.put("prompt_tokens", promptTokens);
    all.put("completion_tokens", completionTokens);
    all.put("accepted", accepted);
    all.put("rejected", rejected);
    return all;
  }
}
