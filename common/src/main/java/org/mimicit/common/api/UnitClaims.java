package org.mimicit.common.api;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Claims on units (by cache key) before they are sent, so that two attempts of the same Spark task
 * running at once (speculation, a retry while the first attempt is still running) never both ask
 * for the same unit. A unit is sent only by the attempt whose claim was granted; the others learn
 * that it was answered ({@code done}), given up ({@code failed}), or is still in flight ({@code
 * busy}: ask again later).
 */
public interface UnitClaims {
  /** The answer to a claim: every key asked for is in exactly one of the lists. */
  record Claim(
      List<String> granted, List<String> done, Map<String, String> failed, List<String> busy) {}

  /** Claims {@code keys} for the caller. */
  Claim claim(List<String> keys);

  /** The units were answered and their answers persisted. */
  void done(Collection<String> keys);

  /** The units were given up on ({@code api_failed}) with {@code reason}. */
  void failed(Collection<String> keys, String reason);

  /** Claims for a runner that is alone with its units (no other attempt can ask for them). */
  UnitClaims ALONE =
      new UnitClaims() {
        @Override
        public Claim claim(List<String> keys) {
          return new Claim(keys, List.of(), Map.of(), List.of());
        }

        @Override
        public void done(Collection<String> keys) {}

        @Override
        public void failed(Collection<String> keys, String reason) {}
      };
}
