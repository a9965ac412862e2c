package org.mimicit.common.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.mimicit.common.error.Preconditions;

/** The options of the MIMIC-IT sources: {@code path}/{@code paths}, {@code tasks}, {@code mode}. */
final class SourceOptions {
  static final String MODE = "mode";
  static final String TASKS = "tasks";

  private SourceOptions() {}

  static ReadMode mode(CaseInsensitiveStringMap options) {
    return ReadMode.parse(options.getOrDefault(MODE, ReadMode.PERMISSIVE.name()));
  }

  static Set<String> tasks(CaseInsensitiveStringMap options) {
    Set<String> tasks = new LinkedHashSet<>();
    String value = options.get(TASKS);
    if (value != null) {
      for (String t : value.split(",")) {
        if (!t.isBlank()) {
          tasks.add(t.trim());
        }
      }
    }
    return tasks;
  }

  static List<String> paths(CaseInsensitiveStringMap options) {
    List<String> paths = new ArrayList<>();
    if (options.containsKey("path")) {
      paths.add(options.get("path"));
    }
    if (options.containsKey("paths")) {
      try {
        paths.addAll(
            Arrays.asList(new ObjectMapper().readValue(options.get("paths"), String[].class)));
      } catch (Exception e) {
        throw new IllegalArgumentException("Cannot read option paths: " + options.get("paths"), e);
      }
    }
    Preconditions.checkArgument(
        !paths.isEmpty(),
        "Cannot read MIMIC-IT JSON without a path: use load(\"<input folder>\").");
    return paths;
  }
}
