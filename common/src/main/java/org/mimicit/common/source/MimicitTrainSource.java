package org.mimicit.common.source;

/**
 * {@code spark.read.format("mimicit-train").load(path)}: {@code <TASK>_train.json} files ({@code
 * {ins_id: [related ins_id, ...]}}) as rows {@code task, ins_id, rel_ins_ids, source,
 * source_offset} (+ {@code reason, detail} in {@code PERMISSIVE} mode). The task is the file name's
 * prefix. The path is a release root, a folder of train files, or one file. Each file is read by
 * one task, streaming.
 */
public final class MimicitTrainSource extends MimicitJsonSource {
  public MimicitTrainSource() {
    super(SourceFormat.TRAIN);
  }
}
