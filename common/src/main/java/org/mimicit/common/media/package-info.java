/**
 * Convert-It's media work, engine-agnostic: decoding, resizing (Lanczos), PNG and JPEG encoding,
 * video frames through FFmpeg.
 */
package org.mimicit.common.media;
