package org.mimicit.jobs.export;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.mimicit.common.io.DataFiles;

/**
 * Reads byte ranges of the images table's files ({@link ImageLocations}), keeping a few files open:
 * how the shard writers get image bytes without a shuffle.
 */
final class ImageRanges implements Closeable {
  private static final int OPEN_FILES = 8;
  private final Configuration conf;
  private final Map<String, FSDataInputStream> open = new LinkedHashMap<>(16, 0.75f, true);

  ImageRanges(Configuration conf) {
    this.conf = conf;
  }

  byte[] read(String file, long offset, int length) throws IOException {
    FSDataInputStream in = open.get(file);
    if (in == null) {
      if (open.size() == OPEN_FILES) {
        var eldest = open.entrySet().iterator().next();
        eldest.getValue().close();
        open.remove(eldest.getKey());
      }
      Path path = new Path(URI.create(file));
      in = DataFiles.fileSystem(path, conf).open(path, 1 << 16);
      open.put(file, in);
    }
    byte[] bytes = new byte[length];
    in.readFully(offset, bytes, 0, length);
    return bytes;
  }

  @Override
  public void close() throws IOException {
    for (FSDataInputStream in : open.values()) {
      in.close();
    }
    open.clear();
  }
}
