/**
 * {@code perennial sweep} as an Apache Spark job ({@link dev.perennial.sweep.spark.SweepJob}): one task per grid
 * point, each point its own {@code perennial run} process, the rows a Dataset written to Parquet and CSV.
 *
 * <p><b>Class path, not a JPMS module.</b> This is the project's one module without {@code module-info.java}, on
 * purpose (measured with Spark 4.0.1, {@code shared/specs/spark-notes.md} §3): Spark's jars carry no
 * {@code Automatic-Module-Name}, and the names derived from them ({@code spark.core.2.13}) are not valid module names,
 * so the module path rejects them; renaming them would not help, as 71 packages are split between Spark's jars
 * ({@code org.apache.spark.sql} lives in spark-sql, spark-catalyst and spark-sql-api). So the job runs on the class
 * path, and it needs nothing of the SDK: the grid is expanded and checked by the CLI ({@code perennial sweep
 * --write-plan}, a plan file), and each point runs in the CLI's own modular JVM. The Spark JVM thus holds neither DJL
 * nor a second SLF4J provider, and its Jackson is Spark's (2.18.2, the SDK's version).
 */
package dev.perennial.sweep.spark;
