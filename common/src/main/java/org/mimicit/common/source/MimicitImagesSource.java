package org.mimicit.common.source;

/**
 * {@code spark.read.format("mimicit-images").load(path)}: the {@code {image_id: base64}} files of a
 * MIMIC-IT release as rows {@code task, image_id, format, width, height, sha256, source,
 * source_offset, bytes} (+ {@code reason, detail} in the default {@code PERMISSIVE} mode). The path
 * is the release root, a task folder or one file; option {@code tasks} (comma separated) picks
 * tasks. Large files are read by several tasks in parallel, split as Spark's own file sources split
 * ({@code spark.sql.files.maxPartitionBytes}); any split size gives the same rows.
 */
public final class MimicitImagesSource extends MimicitJsonSource {
  public MimicitImagesSource() {
    super(SourceFormat.IMAGES);
  }
}
