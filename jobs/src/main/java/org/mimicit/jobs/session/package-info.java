/** The Spark session a job runs in (its default settings) and the progress log of long stages. */
package org.mimicit.jobs.session;
