package org.mimicit.jobs.cli;

import java.util.concurrent.Callable;

/**
 * A sub-command of {@code mimicit}: a picocli {@code @Command} class that runs one job. Each is
 * listed in {@code META-INF/services/org.mimicit.jobs.cli.JobCommand}, in the order {@code mimicit
 * --help} shows them, so the launcher finds every job without the jobs depending on the entry point
 * or on each other.
 */
public interface JobCommand extends Callable<Integer> {}
