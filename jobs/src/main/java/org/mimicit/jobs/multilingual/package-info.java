/**
 * {@code expand-multilingual}: translations of the instructions through the LLM API into the {@code
 * translations} table, exactly once.
 */
package org.mimicit.jobs.multilingual;
