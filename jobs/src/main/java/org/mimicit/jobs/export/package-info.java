/**
 * {@code export-shards} and {@code verify}: the warehouse into release-layout JSON, Parquet and
 * WebDataset shards with their manifest.
 */
package org.mimicit.jobs.export;
