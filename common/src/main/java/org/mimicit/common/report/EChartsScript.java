package org.mimicit.common.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.mimicit.common.error.MimicitException;

/**
 * Apache ECharts' one-file build, {@code dist/echarts.min.js} of the npm package as its WebJar
 * ships it (Apache-2.0): inlined into the page, so the page needs no network.
 */
public final class EChartsScript {
  /** The version the build pins (pom.xml {@code echarts.version}). */
  public static final String VERSION = "5.3.1";

  static final String RESOURCE =
      "META-INF/resources/webjars/echarts/" + VERSION + "/dist/echarts.min.js";

  private static volatile String source;

  private EChartsScript() {}

  /** The script's text, read once from the class path. */
  public static String source() {
    String s = source;
    if (s == null) {
      try (InputStream in = EChartsScript.class.getClassLoader().getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new MimicitException(
              "Cannot find %s on the class path: the org.webjars.npm:echarts:%s jar is missing",
              RESOURCE, VERSION);
        }
        s = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new MimicitException(e, "Cannot read %s: %s", RESOURCE, e.getMessage());
      }
      source = s;
    }
    return s;
  }
}
