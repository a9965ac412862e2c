/**
 * What the ingest jobs ({@code convert-images}, {@code convert-instructions}, {@code
 * convert-sources}) share: their config and the run that lists, reads, commits and writes stats.
 */
package org.mimicit.jobs.ingest;
