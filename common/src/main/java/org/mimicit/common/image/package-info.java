/**
 * Image headers read from the first bytes: format, width and height of JPEG, PNG, GIF, WebP and BMP
 * without decoding the image.
 */
package org.mimicit.common.image;
