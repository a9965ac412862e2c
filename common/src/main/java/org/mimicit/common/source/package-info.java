/**
 * The {@code mimicit-images}, {@code mimicit-instructions} and {@code mimicit-train} Spark data
 * sources (DataSource V2): byte-range splits of one huge JSON object read in parallel.
 */
package org.mimicit.common.source;
