package org.mimicit.common.source;

import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.mimicit.common.io.InputLayout;
import org.mimicit.common.io.InputLayout.TaskFile;
import org.slf4j.LoggerFactory;

/**
 * {@code spark.read.format("mimicit-instructions").load(path)}: the {@code
 * <TASK>_instructions.json} files of a MIMIC-IT release as rows {@code task, ins_id, instruction,
 * answer, image_ids, rel_ins_ids, extra_json, source, source_offset} (+ {@code reason, detail} in
 * the default {@code PERMISSIVE} mode). Options and splitting as {@link MimicitImagesSource};
 * splits are cut on exact record starts found by one sequential scan on the driver.
 */
public final class MimicitInstructionsSource extends MimicitJsonSource {
  public MimicitInstructionsSource() {
    super(SourceFormat.INSTRUCTIONS);
  }

  /**
   * Starts, on a background thread, the record-index pass of the instructions files of a local
   * {@code input}, so that it runs while Spark starts or while other stages run; a later read of
   * the same files uses it. Best effort: any problem is left for the read to report.
   */
  public static void prefetchIndex(String input, Set<String> tasks) {
    String scheme = new Path(input).toUri().getScheme();
    if (scheme != null && !scheme.equals("file")) {
      return;
    }
    Thread t =
        new Thread(
            () -> {
              try {
                Configuration conf = new Configuration();
                for (TaskFile f :
                    InputLayout.list(conf, input, InputLayout.Kind.INSTRUCTIONS, tasks)) {
                  RecordIndexes.prefetch(conf, f);
                }
              } catch (RuntimeException e) {
                LoggerFactory.getLogger(MimicitInstructionsSource.class)
                    .debug("No index prefetch for {}: {}", input, e.getMessage());
              }
            },
            "mimicit-index-prefetch");
    t.setDaemon(true);
    t.start();
  }
}
