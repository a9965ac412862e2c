/**
 * The Spark side of the API stages ({@code expand-multilingual}, {@code generate-instructions}):
 * the stage skeleton, the job-wide budget and unit claims served from the driver to the tasks
 * ({@link org.mimicit.jobs.apistage.ApiCoordinatorService}), accumulators and progress.
 */
package org.mimicit.jobs.apistage;
