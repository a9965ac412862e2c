/**
 * Ingest of a source into a warehouse table on Spark: rows split into accepted and rejected,
 * duplicate ids resolved (the last occurrence wins), Parquet files written per task and counted.
 */
package org.mimicit.common.ingest;
