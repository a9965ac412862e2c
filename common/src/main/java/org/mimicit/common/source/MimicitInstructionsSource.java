package org.mimicit.common.source;

/**
 * {@code spark.read.format("mimicit-instructions").load(path)}: the {@code <TASK>_instructions.json}
 * files of a MIMIC-IT release as rows {@code task, ins_id, instruction, answer, image_ids,
 * rel_ins_ids, extra_json, source, source_offset} (+ {@code reason, detail} in the default
 * {@code PERMISSIVE} mode). Options and splitting as {@link MimicitImagesSource}; splits are cut
 * on exact record starts found by one sequential scan on the driver.
 */
public final class MimicitInstructionsSource extends MimicitJsonSource {
  public MimicitInstructionsSource() {
    super(SourceFormat.INSTRUCTIONS);
  }
}
