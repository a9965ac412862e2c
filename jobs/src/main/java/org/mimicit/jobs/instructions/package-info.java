/** {@code convert-instructions}: instruction JSON into the {@code instructions} table. */
package org.mimicit.jobs.instructions;
