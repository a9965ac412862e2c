package org.mimicit.common.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.mimicit.common.error.MimicitException;

/**
 * Reads keys back from a few API cache files on an executor. The job reads the whole cache with
 * Spark; this is for a retried task, which must skip what its own failed attempts got accepted.
 */
public final class ApiCacheReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ApiCacheReader() {}

  /**
   * The keys in the files of {@code dir} whose names start with {@code prefix}; lines cut by a kill
   * skipped.
   */
  public static Set<String> keysOf(Configuration conf, String dir, String prefix) {
    Set<String> keys = new HashSet<>();
    Path path = new Path(dir);
    try {
      FileSystem fs = path.getFileSystem(conf);
      if (!fs.exists(path)) {
        return keys;
      }
      for (FileStatus file : fs.listStatus(path, p -> p.getName().startsWith(prefix))) {
        try (BufferedReader in =
            new BufferedReader(
                new InputStreamReader(fs.open(file.getPath()), StandardCharsets.UTF_8))) {
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            try {
              JsonNode key = JSON.readTree(line).get("key");
              if (key != null && key.isTextual()) {
                keys.add(key.asText());
              }
            } catch (IOException cut) {
              // the last line of a killed attempt: not accepted
            }
          }
        }
      }
      return keys;
    } catch (IOException e) {
      throw new MimicitException(e, "Cannot read the API cache %s: %s", dir, e.getMessage());
    }
  }
}
