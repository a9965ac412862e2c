/**
 * The training-shard formats, engine-agnostic: release-layout JSON, Parquet and WebDataset shard
 * writers, the manifest and {@code MD5SUMS}, and the verifier that re-hashes an export.
 */
package org.mimicit.common.export;
