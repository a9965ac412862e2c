package org.mimicit.jobs.incontext;

import java.util.Set;
import org.mimicit.common.error.Preconditions;

/** What {@code join-incontext} joins; validated on construction. */
public record JoinInContextConfig(
    String warehouse,
    Set<String> tasks,
    int maxContext,
    String trainConfig,
    Relations policy,
    long seed,
    String writeTrainConfig) {
  public JoinInContextConfig {
    Preconditions.checkArgument(
        warehouse != null && !warehouse.isBlank(), "Cannot join: --warehouse is empty.");
    Preconditions.checkArgument(
        maxContext >= 0,
        "Cannot set --max-context to %s, the value must be 0 or more.",
        maxContext);
    Preconditions.checkArgument(policy != null, "Cannot join: no --policy.");
    tasks = Set.copyOf(tasks);
  }

  /** Every task, policy rel, train configs found next to the input, no cut. */
  public static JoinInContextConfig defaults(String warehouse) {
    return new JoinInContextConfig(
        warehouse, Set.of(), Integer.MAX_VALUE, null, Relations.REL, 0, null);
  }
}
