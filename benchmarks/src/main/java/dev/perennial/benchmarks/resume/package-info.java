/**
 * Kill-and-resume stress (issue 16): runs small experiments in child JVMs, kills them with SIGKILL at chosen
 * moments, resumes them and compares the result bit for bit with an uninterrupted run, under the default GC and a
 * stress GC.
 */
package dev.perennial.benchmarks.resume;
