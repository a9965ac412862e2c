/**
 * {@code join-incontext}: the in-context relations (train files or a policy) into the {@code
 * incontext} table.
 */
package org.mimicit.jobs.incontext;
