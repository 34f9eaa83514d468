/** Parameter-efficient tuning modules: LoRA, AdaptFormer adapter, SSF, VPT; freezing by name pattern. */
package dev.perennial.models.pet;
