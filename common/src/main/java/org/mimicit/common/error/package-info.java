/**
 * The one unchecked root exception ({@link org.mimicit.common.error.MimicitException}) and the
 * argument checks that raise {@code IllegalArgumentException} with the offending value.
 */
package org.mimicit.common.error;
