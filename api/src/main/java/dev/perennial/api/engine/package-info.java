/**
 * The native engine before and around its loading: which libtorch DJL will load and whether it fits its JNI
 * ({@link dev.perennial.api.engine.LibtorchCheck}), whether downloads are allowed, and which reduced precisions the
 * engine can run ({@link dev.perennial.api.engine.PrecisionProbe}).
 */
package dev.perennial.api.engine;
