/**
 * What every job shares about the warehouse: the {@code task=} partition layout, safe commits
 * (staging and swap, the S3A committer), {@code _stats/<job>.json}, the reject budget.
 */
package org.mimicit.common.warehouse;
