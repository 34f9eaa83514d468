/**
 * Reports people read: the run's self-contained HTML page ({@link dev.perennial.api.report.HtmlReport}) and the
 * configuration reference generated from the configuration records
 * ({@link dev.perennial.api.report.ConfigurationReference}).
 */
package dev.perennial.api.report;
