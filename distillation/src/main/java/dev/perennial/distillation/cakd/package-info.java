/**
 * {@code cakd}: cross-architecture knowledge distillation through a fusion (assistant) model, after "TAS:
 * Distilling Arbitrary Teacher and Student via a Hybrid Assistant" (arXiv:2410.12342 v1) / "Fuse Before Transfer:
 * Knowledge Fusion for Heterogeneous Distillation" (FBT, ICCV 2025); specification {@code specs/cakd.md}.
 */
package dev.perennial.distillation.cakd;
