package org.mimicit.jobs.sources;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Cuts the work items into Spark tasks of about equal bytes: largest first, each to the task with
 * the fewest bytes so far (longest-processing-time first, within 4/3 of the best split). Within a
 * task the items keep their path order.
 */
final class TaskBalancer {
  /** Above this many bytes of input a task is split further, however many cores there are. */
  static final long MAX_TASK_BYTES = 256L << 20;

  /** Tasks per core, so that a slow task does not leave cores idle and progress moves. */
  static final int TASKS_PER_CORE = 4;

  private TaskBalancer() {}

  /** How many tasks for {@code items} on {@code cores} cores. */
  static int taskCount(List<SourceItem> items, int cores) {
    long bytes = items.stream().mapToLong(SourceItem::length).sum();
    long byBytes = (bytes + MAX_TASK_BYTES - 1) / MAX_TASK_BYTES;
    return (int)
        Math.max(1, Math.min(items.size(), Math.max(byBytes, (long) cores * TASKS_PER_CORE)));
  }

  static List<List<SourceItem>> balance(List<SourceItem> items, int tasks) {
    record Load(int task, long bytes) {}
    List<List<SourceItem>> out = new ArrayList<>();
    PriorityQueue<Load> loads =
        new PriorityQueue<>(Comparator.comparingLong(Load::bytes).thenComparingInt(Load::task));
    for (int i = 0; i < tasks; i++) {
      out.add(new ArrayList<>());
      loads.add(new Load(i, 0));
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      order.add(i);
    }
    order.sort(
        Comparator.comparingLong((Integer i) -> -items.get(i).length()).thenComparing(i -> i));
    List<List<Integer>> chosen = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      chosen.add(new ArrayList<>());
    }
    for (int i : order) {
      Load least = loads.poll();
      chosen.get(least.task()).add(i);
      loads.add(new Load(least.task(), least.bytes() + Math.max(1, items.get(i).length())));
    }
    for (int t = 0; t < tasks; t++) {
      chosen.get(t).sort(Integer::compare);
      for (int i : chosen.get(t)) {
        out.get(t).add(items.get(i));
      }
    }
    out.removeIf(List::isEmpty);
    return out;
  }
}
