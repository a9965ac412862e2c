/**
 * {@code generate-instructions}: Syphus-style generation of new instruction pairs from annotations
 * through the LLM API.
 */
package org.mimicit.jobs.generation;
