package org.mimicit.common.media;

/**
 * An image as stored in the {@code images} table.
 *
 * @param format {@code png}, {@code jpeg}, or with {@code --keep-original} the source's format
 * @param width width in pixels
 * @param height height in pixels
 * @param sha256 lower-case hex SHA-256 of {@code bytes}
 * @param bytes the encoded image
 */
public record ConvertedImage(String format, int width, int height, String sha256, byte[] bytes) {}
