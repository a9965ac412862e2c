/** {@code convert-images}: base64 image JSON into the {@code images} table. */
package org.mimicit.jobs.images;
