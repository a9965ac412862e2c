/**
 * {@code report}: the data-quality report of a warehouse, one self-contained HTML page. Spark
 * aggregates over the tables (never their rows, beyond a few samples) and the {@code _stats} files
 * of the last runs; the page itself is built by {@code org.mimicit.common.report}.
 */
package org.mimicit.jobs.report;
