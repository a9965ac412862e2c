package org.mimicit.jobs.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.alias.CredentialProviderFactory;
import org.apache.spark.sql.SparkSession;
import org.mimicit.common.api.ApiSettings;
import org.mimicit.common.error.MimicitException;

/**
 * Where the API key comes from, in order: {@code --api-key-file} (a file, e.g. a Kubernetes secret
 * mounted into the pods, or any Hadoop path), {@code --api-key-alias} (an alias in the Hadoop
 * credential providers named by {@code hadoop.security.credential.provider.path}, e.g. a JCEKS
 * store on HDFS or S3), {@code --api-key} (visible in {@code ps}; kept for compatibility), then
 * {@code $OPENAI_API_KEY}. At most one of the three options. The key is read on the driver when the
 * job starts and travels to the executors inside the tasks, never on a command line or in a Spark
 * property.
 */
final class ApiKeys {
  /** Files larger than this are not a key. */
  private static final int MAX_KEY_BYTES = 16 * 1024;

  private ApiKeys() {}

  static String resolve(String file, String alias, String option, Map<String, String> env) {
    int given = (file != null ? 1 : 0) + (alias != null ? 1 : 0) + (option != null ? 1 : 0);
    if (given > 1) {
      throw new IllegalArgumentException(
          "Give the API key one way: --api-key-file, --api-key-alias or --api-key (got "
              + given
              + ").");
    }
    if (file != null) {
      return fromFile(file, hadoopConf());
    }
    if (alias != null) {
      return fromAlias(alias, hadoopConf());
    }
    if (option != null) {
      org.slf4j.LoggerFactory.getLogger(ApiKeys.class)
          .warn(
              "--api-key puts the key on the command line, where ps and the cluster's logs show"
                  + " it: use --api-key-file or --api-key-alias");
    }
    return ApiSettings.optionOrEnv(option, env, "OPENAI_API_KEY");
  }

  /** The key in {@code path} (local or any Hadoop file system), surrounding whitespace removed. */
  static String fromFile(String path, Configuration conf) {
    Path p = new Path(path);
    byte[] bytes;
    try (InputStream in = p.getFileSystem(conf).open(p)) {
      bytes = in.readNBytes(MAX_KEY_BYTES + 1);
    } catch (IOException e) {
      throw new MimicitException(
          e,
          "Cannot read the API key file %s: %s. Fix --api-key-file: the file must be readable"
              + " where the driver runs (for a Kubernetes secret, where it is mounted).",
          path,
          e.toString());
    }
    if (bytes.length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException(
          String.format(
              "The API key file %s is larger than %d bytes: it is not a key. Fix --api-key-file.",
              path, MAX_KEY_BYTES));
    }
    String key = new String(bytes, StandardCharsets.UTF_8).strip();
    if (key.isEmpty()) {
      throw new IllegalArgumentException(
          String.format(
              "The API key file %s is empty. Put the key in it or fix --api-key-file.", path));
    }
    return key;
  }

  /** The key stored under {@code alias} in the credential providers of {@code conf}. */
  static String fromAlias(String alias, Configuration conf) {
    String providers = conf.get(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH);
    if (providers == null || providers.isBlank()) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot read --api-key-alias %s: no credential provider is set. Set"
                  + " --conf spark.hadoop.%s=jceks://hdfs@<namenode>:8020/<path>.jceks (or the"
                  + " same key in core-site.xml).",
              alias, CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH));
    }
    char[] key;
    try {
      key = findInProviders(alias, conf);
    } catch (IOException e) {
      throw new MimicitException(
          e,
          "Cannot read --api-key-alias %s from %s: %s. Check the store's path and that it is"
              + " readable (and its password, HADOOP_CREDSTORE_PASSWORD, if it has one).",
          alias,
          providers,
          e.toString());
    }
    if (key == null || key.length == 0) {
      throw new IllegalArgumentException(
          String.format(
              "The credential provider %s holds no alias %s. Add it with: hadoop credential"
                  + " create %s -provider %s",
              providers, alias, alias, providers));
    }
    return new String(key);
  }

  /** Only the providers: not the fallback to a plain configuration value of that name. */
  private static char[] findInProviders(String alias, Configuration conf) throws IOException {
    for (var provider : CredentialProviderFactory.getProviders(conf)) {
      var entry = provider.getCredentialEntry(alias);
      if (entry != null) {
        return entry.getCredential();
      }
    }
    return null;
  }

  /** The session's Hadoop configuration (with every spark.hadoop.* key), else Hadoop's own. */
  private static Configuration hadoopConf() {
    return SparkSession.getActiveSession().isDefined()
        ? SparkSession.getActiveSession().get().sessionState().newHadoopConf()
        : new Configuration();
  }
}
