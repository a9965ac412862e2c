/**
 * The Spark side of the API stages ({@code expand-multilingual}, {@code generate-instructions}):
 * the stage skeleton, the cluster-wide limits split over tasks, accumulators and progress.
 */
package org.mimicit.jobs.apistage;
