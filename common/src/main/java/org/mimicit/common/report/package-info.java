/**
 * The data-quality report as one self-contained HTML page: sections of text, tables and charts
 * (Apache ECharts, inlined, drawn as SVG in the browser). No Spark here: the report job computes
 * the numbers and hands them over as plain values.
 */
package org.mimicit.common.report;
