/**
 * Parquet reading and writing without Spark SQL between rows and files: table writers with bounded
 * row groups, Spark-compatible schemas, input listing ({@code <input>/<TASK>/...}).
 */
package org.mimicit.common.io;
