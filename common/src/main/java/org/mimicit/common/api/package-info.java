/**
 * The LLM API client, engine-agnostic: chat requests over HTTP (OpenAI and Azure), rate limits,
 * retries with backoff, the translation and generation protocols and the exactly-once answer cache.
 * No Spark class: the jobs' {@code apistage} package runs it inside Spark tasks.
 */
package org.mimicit.common.api;
