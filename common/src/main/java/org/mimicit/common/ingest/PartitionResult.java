package org.mimicit.common.ingest;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.mimicit.common.warehouse.WrittenPart;

/**
 * What one successful task attempt wrote and counted, with the sorted {@link IdHash}es of the ids
 * it read (so the driver can find repeated ids without a shuffle).
 */
record PartitionResult(List<WrittenPart> parts, Map<String, TaskCounts> counts, long[] idHashes)
    implements Serializable {}
