/**
 * The warehouse's tables as column-name constants and Spark {@code StructType}s, and the stable
 * reject reason codes.
 */
package org.mimicit.common.schema;
