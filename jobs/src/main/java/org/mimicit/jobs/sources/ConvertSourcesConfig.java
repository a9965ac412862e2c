package org.mimicit.jobs.sources;

import static org.mimicit.common.error.Preconditions.checkArgument;

import java.io.Serializable;
import org.mimicit.common.media.FrameSampling;
import org.mimicit.common.media.Processing;
import org.mimicit.jobs.ingest.IngestConfig;

/**
 * What {@code convert-sources} reads and how; validated on construction.
 *
 * @param ingest input folder, warehouse, the one task ({@code --task}), reject ratio
 * @param source the dataset layout
 * @param ids an id list file (one id or file stem a line, or an instructions JSON), or null
 * @param fps frames a second sampled from videos
 * @param sampling how frames are picked
 * @param frameIndexDigits zero-padding of the frame index in video frame ids
 * @param processing resize, format, or keep the original bytes
 */
record ConvertSourcesConfig(
    IngestConfig ingest,
    SourceLayout source,
    String ids,
    double fps,
    FrameSampling sampling,
    int frameIndexDigits,
    Processing processing)
    implements Serializable {
  ConvertSourcesConfig {
    checkArgument(
        ingest.tasks().size() == 1,
        "Cannot convert: give exactly one --task (got %s).",
        ingest.tasks());
    checkArgument(
        fps > 0 && fps <= 1000,
        "Cannot set --fps to %s: the value must be above 0 and at most 1000.",
        fps);
    checkArgument(
        frameIndexDigits >= 1 && frameIndexDigits <= 18,
        "Cannot set --frame-index-digits to %s: the value must be between 1 and 18.",
        frameIndexDigits);
  }

  String task() {
    return ingest.tasks().iterator().next();
  }
}
