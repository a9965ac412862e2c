/**
 * Streaming parsers of the MIMIC-IT JSON files (images, instructions, train relations) over byte
 * ranges, and the record index that lets any split find where records start. No Spark class.
 */
package org.mimicit.common.json;
