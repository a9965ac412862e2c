/**
 * {@code convert-sources}: Convert-It, raw public-source images and video frames into the {@code
 * images} table with MIMIC-IT ids.
 */
package org.mimicit.jobs.sources;
