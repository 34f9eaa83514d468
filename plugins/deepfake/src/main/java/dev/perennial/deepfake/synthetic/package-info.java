/**
 * Generated deepfake data for CPU tests and demos (specs/deepfake.md §A.7, §C.9): rendered faces and self-blended
 * manipulations of known type and strength, with the corresponding real frame of every fake.
 */
package dev.perennial.deepfake.synthetic;
