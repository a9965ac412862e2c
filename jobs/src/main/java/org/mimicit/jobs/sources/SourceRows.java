package org.mimicit.jobs.sources;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.unsafe.types.UTF8String;
import org.mimicit.common.io.DataFiles;
import org.mimicit.common.media.ConvertedImage;
import org.mimicit.common.media.ImageConverter;
import org.mimicit.common.media.MediaException;
import org.mimicit.common.media.VideoFrames;
import org.mimicit.common.schema.RejectReason;

/**
 * The rows of one Spark task's source items for {@link SourceConverter}, made as they are asked
 * for: one image or one video frame at a time. A remote video is copied to local disk for FFmpeg
 * and the copy deleted when the video ends.
 */
final class SourceRows implements Iterator<InternalRow>, AutoCloseable {
  private final SourceConverter job;
  private final Iterator<SourceItem> items;
  private final ImageConverter converter;
  private SourceItem video;
  private VideoFrames frames;
  private java.nio.file.Path copy;
  private long videoFrames;
  private InternalRow next;

  SourceRows(SourceConverter job, Iterator<SourceItem> items, ImageConverter converter) {
    this.job = job;
    this.items = items;
    this.converter = converter;
  }

  @Override
  public boolean hasNext() {
    if (next == null) {
      next = advance();
    }
    return next != null;
  }

  @Override
  public InternalRow next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    InternalRow r = next;
    next = null;
    return r;
  }

  private InternalRow advance() {
    while (true) {
      if (frames != null) {
        InternalRow r = nextFrame();
        if (r != null) {
          return r;
        }
        continue;
      }
      if (!items.hasNext()) {
        close();
        return null;
      }
      SourceItem item = items.next();
      switch (item.kind()) {
        case HALF_PAIR -> {
          job.filesDone.add(1);
          return reject(
              item,
              RejectReason.MISSING_PAIR,
              0,
              String.format(
                  "the other image of pair %s is missing (expected <n>.ext and <n>_2.ext)",
                  item.id().substring(0, item.id().length() - 2)));
        }
        case IMAGE -> {
          job.filesDone.add(1);
          return image(item);
        }
        default -> {
          InternalRow r = openVideo(item);
          if (r != null) {
            return r;
          }
        }
      }
    }
  }

  private InternalRow image(SourceItem item) {
    byte[] data = read(item);
    try {
      ConvertedImage img = converter.convertFile(data);
      job.imagesOut.add(1);
      return row(item.id(), img, item.path(), 0);
    } catch (MediaException e) {
      return reject(item, RejectReason.NOT_AN_IMAGE, 0, e.getMessage());
    }
  }

  private InternalRow openVideo(SourceItem item) {
    try {
      video = item;
      videoFrames = 0;
      frames = new VideoFrames(localPath(item), job.fps, job.sampling);
      return null;
    } catch (MediaException e) {
      endVideo();
      return reject(item, RejectReason.UNDECODABLE_VIDEO, 0, e.getMessage());
    }
  }

  /** The next frame row of the open video, its reject row, or null when it ended cleanly. */
  private InternalRow nextFrame() {
    SourceItem item = video;
    try {
      VideoFrames.Sampled s = frames.next();
      if (s != null) {
        videoFrames++;
        job.imagesOut.add(1);
        job.framesOut.add(1);
        String id = item.id() + "_" + pad(s.index(), job.frameIndexDigits);
        return row(id, converter.convertFrame(s.image()), item.path(), s.index());
      }
      long decoded = frames.decodedFrames();
      long kept = videoFrames;
      endVideo();
      return kept > 0
          ? null
          : reject(
              item,
              RejectReason.UNDECODABLE_VIDEO,
              0,
              String.format("no frame decoded (%d decoded frames)", decoded));
    } catch (MediaException e) {
      long decoded = frames.decodedFrames();
      endVideo();
      return reject(item, RejectReason.UNDECODABLE_VIDEO, decoded, e.getMessage());
    }
  }

  private void endVideo() {
    if (frames != null) {
      frames.close();
      frames = null;
    }
    if (copy != null) {
      try {
        Files.deleteIfExists(copy);
      } catch (IOException e) {
        copy.toFile().deleteOnExit();
      }
      copy = null;
    }
    video = null;
    job.filesDone.add(1);
  }

  /** A local file FFmpeg can open (and seek in): the file itself, or a copy of a remote one. */
  private String localPath(SourceItem item) {
    Path path = new Path(item.path());
    try {
      FileSystem fs = path.getFileSystem(job.conf.get());
      if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
        return path.toUri().getPath();
      }
      copy = Files.createTempFile("mimicit-video-", "." + SourceLayout.extension(item.path()));
      fs.copyToLocalFile(false, path, new Path(copy.toUri()), true);
      return copy.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot copy " + item.path() + " to local disk", e);
    }
  }

  private byte[] read(SourceItem item) {
    Path path = new Path(item.path());
    try (FSDataInputStream in = DataFiles.fileSystem(path, job.conf.get()).open(path)) {
      byte[] data = new byte[Math.toIntExact(item.length())];
      in.readFully(0, data);
      return data;
    } catch (IOException e) {
      // Not bad data but a failed read: Spark retries the task.
      throw new UncheckedIOException("Cannot read " + item.path(), e);
    }
  }

  private InternalRow row(String id, ConvertedImage img, String source, long offset) {
    return new GenericInternalRow(
        new Object[] {
          utf8(job.task),
          utf8(id),
          utf8(img.format()),
          img.width(),
          img.height(),
          utf8(img.sha256()),
          utf8(source),
          offset,
          img.bytes(),
          null,
          null
        });
  }

  private InternalRow reject(SourceItem item, RejectReason reason, long offset, String detail) {
    return new GenericInternalRow(
        new Object[] {
          utf8(job.task),
          utf8(item.id()),
          null,
          null,
          null,
          null,
          utf8(item.path()),
          offset,
          null,
          utf8(reason.code()),
          utf8(detail)
        });
  }

  @Override
  public void close() {
    if (frames != null) {
      endVideo();
    }
    converter.close();
  }

  private static UTF8String utf8(String s) {
    return s == null ? null : UTF8String.fromString(s);
  }

  static String pad(long index, int digits) {
    return String.format("%0" + digits + "d", index);
  }
}
