package org.mimicit.common.ingest;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/** What one successful task attempt wrote and counted. */
record PartitionResult(List<WrittenPart> parts, Map<String, TaskCounts> counts)
    implements Serializable {}
