/**
 * The command line: the launcher that finds every {@link org.mimicit.jobs.cli.JobCommand}, parses
 * and reports errors, the options several commands share, {@code --conf} and {@code --conf-file}.
 */
package org.mimicit.jobs.cli;
