/**
 * The entry point, {@link org.mimicit.jobs.Main}: {@code mimicit <command>}. Below it one package
 * per job, the glue they share ({@code cli}, {@code session}, {@code ingest}, {@code apistage}) and
 * {@code pipeline}, the only package that composes jobs.
 */
package org.mimicit.jobs;
