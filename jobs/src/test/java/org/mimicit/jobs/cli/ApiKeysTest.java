package org.mimicit.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.security.alias.CredentialProvider;
import org.apache.hadoop.security.alias.CredentialProviderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mimicit.common.error.MimicitException;

class ApiKeysTest {
  private static final String KEY = "sk-test-7f3a9c1e55d2";

  @TempDir Path tmp;

  /** A JCEKS store made with Hadoop's own credential provider API, as `hadoop credential` does. */
  static Configuration storeWith(Path store, String alias, String key) throws Exception {
    Configuration conf = new Configuration(false);
    conf.set(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH, "jceks://file" + store);
    CredentialProvider provider = CredentialProviderFactory.getProviders(conf).get(0);
    provider.createCredentialEntry(alias, key.toCharArray());
    provider.flush();
    return conf;
  }

  @Test
  void readsTheKeyFromAJceksStoreByItsAlias() throws Exception {
    Configuration conf = storeWith(tmp.resolve("keys.jceks"), "openai", KEY);
    assertThat(ApiKeys.fromAlias("openai", conf)).isEqualTo(KEY);
    assertThat(Files.readAllBytes(tmp.resolve("keys.jceks"))).isNotEmpty();
  }

  @Test
  void namesTheStoreAndHowToAddAMissingAlias() throws Exception {
    Configuration conf = storeWith(tmp.resolve("keys.jceks"), "openai", KEY);
    assertThatThrownBy(() -> ApiKeys.fromAlias("azure", conf))
        .hasMessageContaining("holds no alias azure")
        .hasMessageContaining("hadoop credential create azure -provider jceks://file");
  }

  @Test
  void anAliasWithoutAProviderSaysWhichSettingIsMissing() {
    Configuration conf = new Configuration(false);
    conf.set("openai", KEY); // a plain setting of that name is not a credential store
    assertThatThrownBy(() -> ApiKeys.fromAlias("openai", conf))
        .hasMessageContaining("no credential provider is set")
        .hasMessageContaining("spark.hadoop.hadoop.security.credential.provider.path");
  }

  @Test
  void readsAKeyFileAndDropsTheNewlineASecretMountLeaves() throws Exception {
    Path file = Files.writeString(tmp.resolve("openai-api-key"), KEY + "\n");
    assertThat(ApiKeys.fromFile(file.toString(), new Configuration(false))).isEqualTo(KEY);
  }

  @Test
  void aMissingOrEmptyKeyFileIsAnErrorThatNamesIt() throws Exception {
    String missing = tmp.resolve("nope").toString();
    assertThatThrownBy(() -> ApiKeys.fromFile(missing, new Configuration(false)))
        .isInstanceOf(MimicitException.class)
        .hasMessageContaining("Cannot read the API key file " + missing)
        .hasMessageContaining("--api-key-file");
    Path empty = Files.writeString(tmp.resolve("empty"), " \n");
    assertThatThrownBy(() -> ApiKeys.fromFile(empty.toString(), new Configuration(false)))
        .hasMessageContaining("is empty");
    Path big = Files.write(tmp.resolve("big"), new byte[20_000]);
    assertThatThrownBy(() -> ApiKeys.fromFile(big.toString(), new Configuration(false)))
        .hasMessageContaining("it is not a key");
  }

  @Test
  void oneWayAtATimeAndTheEnvironmentLast() throws Exception {
    Path file = Files.writeString(tmp.resolve("k"), KEY);
    Map<String, String> env = Map.of("OPENAI_API_KEY", "from-env");
    assertThat(ApiKeys.resolve(file.toString(), null, null, env)).isEqualTo(KEY);
    assertThat(ApiKeys.resolve(null, null, "on-the-line", env)).isEqualTo("on-the-line");
    assertThat(ApiKeys.resolve(null, null, null, env)).isEqualTo("from-env");
    assertThat(ApiKeys.resolve(null, null, null, Map.of())).isNull();
    // the environment as before the key sources: trimmed, blank is none
    assertThat(ApiKeys.resolve(null, null, null, Map.of("OPENAI_API_KEY", " k \n"))).isEqualTo("k");
    assertThat(ApiKeys.resolve(null, null, null, Map.of("OPENAI_API_KEY", "  "))).isNull();
    assertThatThrownBy(() -> ApiKeys.resolve(file.toString(), "openai", null, env))
        .hasMessage(
            "Give the API key one way: --api-key-file, --api-key-alias or --api-key (got 2).");
  }
}
