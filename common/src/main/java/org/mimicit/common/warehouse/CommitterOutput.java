package org.mimicit.common.warehouse;

import java.io.IOException;
import java.io.Serializable;
import java.util.Collection;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.JobContext;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.JobStatus;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskID;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.lib.output.FileOutputCommitter;
import org.apache.hadoop.mapreduce.lib.output.PathOutputCommitter;
import org.apache.hadoop.mapreduce.lib.output.PathOutputCommitterFactory;
import org.apache.hadoop.mapreduce.task.JobContextImpl;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ingest write that reaches the warehouse through the file system's own Hadoop output committer,
 * where it has one: the S3A magic committer on s3a:// (or whichever S3A committer {@code
 * fs.s3a.committer.name} names). Each task writes its files under the committer's work path as
 * pending uploads of their final paths ({@code <warehouse>/<table>/task=T/...}) and commits them;
 * nothing is visible until the driver commits the job, which completes the uploads: no rename, no
 * copy. Before that the driver deletes the old partitions of the run, so a partition is missing or
 * half there only while the job commits (one request per file). A failed run aborts its uploads;
 * the next run does it for a killed one, and deletes its job folder.
 *
 * <p>A second attempt of a task replaces the first one's task commit (the S3A committers keep one
 * per task, not per attempt), so a retried or speculative task cannot publish twice.
 */
public final class CommitterOutput implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(CommitterOutput.class);

  private final String warehouse;
  private final String jobId;
  private final String uuid;
  private final SerializableConf conf;

  private CommitterOutput(String warehouse, JobID jobId, String uuid, Configuration conf) {
    this.warehouse = warehouse;
    this.jobId = jobId.toString();
    this.uuid = uuid;
    this.conf = new SerializableConf(conf);
  }

  /**
   * The committed output for one write into {@code warehouse}, set up; null when the warehouse's
   * file system has no committer of its own (HDFS, local disks: staging and renames are the better
   * way there).
   */
  public static CommitterOutput start(Configuration base, String warehouse) throws IOException {
    Configuration conf = new Configuration(base);
    // One job UUID for the driver and every task. The job's cleanup (after a commit or an abort)
    // cancels every pending upload under the warehouse: this job's uncommitted ones, and those a
    // killed run left behind (fs.s3a.committer.abort.pending.uploads, on by default). So on S3 one
    // job at a time writes to a warehouse, as the pipeline and the Airflow DAG run them.
    String uuid = UUID.randomUUID().toString();
    conf.set("fs.s3a.committer.uuid", uuid);
    conf.set("fs.s3a.committer.staging.conflict-mode", "append");
    conf.setBoolean("mapreduce.fileoutputcommitter.marksuccessfuljobs", false);
    if (conf.get("mapreduce.outputcommitter.factory.scheme.s3a") == null) {
      conf.set(
          "mapreduce.outputcommitter.factory.scheme.s3a",
          "org.apache.hadoop.fs.s3a.commit.S3ACommitterFactory");
    }
    JobID id = new JobID("mimicit" + Long.toString(System.currentTimeMillis(), 36), 0);
    Path root = new Path(warehouse);
    // qualified: the committer is chosen by the scheme (a bare path means the default file system)
    String qualified = root.getFileSystem(conf).makeQualified(root).toString();
    CommitterOutput output = new CommitterOutput(qualified, id, uuid, conf);
    PathOutputCommitter committer = output.committer(output.jobSetupContext());
    if (committer instanceof FileOutputCommitter) {
      return null;
    }
    committer.setupJob(output.jobContext());
    LOG.info("Writing into {} through {}", warehouse, committer.getClass().getSimpleName());
    return output;
  }

  /**
   * A part of the file names unique to this job: two jobs (a killed run and its re-run) never have
   * uploads pending for the same object, which some S3-compatible stores do not keep apart.
   */
  public String fileTag() {
    return uuid.substring(0, 8);
  }

  /** Runs on an executor: sets up one task attempt, whose work path stands for the warehouse. */
  public Task task(int partition, int attempt) throws IOException {
    TaskAttemptContext context =
        new TaskAttemptContextImpl(
            conf.get(),
            new TaskAttemptID(new TaskID(JobID.forName(jobId), TaskType.MAP, partition), attempt));
    PathOutputCommitter committer = committer(context);
    committer.setupTask(context);
    return new Task(committer, context);
  }

  /** One task attempt's side of the output. */
  public static final class Task {
    private final PathOutputCommitter committer;
    private final TaskAttemptContext context;

    private Task(PathOutputCommitter committer, TaskAttemptContext context) {
      this.committer = committer;
      this.context = context;
    }

    /** The folder that stands for the warehouse in this attempt's file paths. */
    public Path workPath() throws IOException {
      return committer.getWorkPath();
    }

    public void commit() throws IOException {
      if (committer.needsTaskCommit(context)) {
        committer.commitTask(context);
      }
    }

    public void abort() {
      try {
        committer.abortTask(context);
      } catch (IOException | RuntimeException e) {
        LOG.warn("Cannot abort task attempt {}: {}", context.getTaskAttemptID(), e.toString());
      }
    }
  }

  /**
   * Deletes the given partitions (paths relative to the warehouse) and commits the job: the files
   * the tasks committed appear in their partitions.
   */
  public void commit(Collection<String> partitions) throws IOException {
    FileSystem fs = new Path(warehouse).getFileSystem(conf.get());
    for (String partition : partitions) {
      WarehouseCommitter.delete(fs, new Path(warehouse, partition));
    }
    committer(jobSetupContext()).commitJob(jobContext());
    // the job folders of killed runs (their uploads were cancelled by the commit's cleanup)
    FileStatus[] leftovers = fs.globStatus(new Path(warehouse, "__magic_job-*"));
    for (FileStatus leftover : leftovers == null ? new FileStatus[0] : leftovers) {
      LOG.info("Deleting {}, left by a killed run", leftover.getPath());
      fs.delete(leftover.getPath(), true);
    }
  }

  /** Aborts the job: every pending upload of it is cancelled, its work folders deleted. */
  public void abort() {
    try {
      committer(jobSetupContext()).abortJob(jobContext(), JobStatus.State.FAILED);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot abort the write into {}: {}", warehouse, e.toString());
    }
  }

  private JobContext jobContext() {
    return new JobContextImpl(conf.get(), JobID.forName(jobId));
  }

  private TaskAttemptContext jobSetupContext() {
    return new TaskAttemptContextImpl(
        conf.get(), new TaskAttemptID(new TaskID(JobID.forName(jobId), TaskType.JOB_SETUP, 0), 0));
  }

  private PathOutputCommitter committer(TaskAttemptContext context) throws IOException {
    return PathOutputCommitterFactory.createCommitter(new Path(warehouse), context);
  }
}
