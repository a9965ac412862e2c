/** {@code pipeline}: every stage in order; the only package that depends on other jobs. */
package org.mimicit.jobs.pipeline;
