/** Vision transformers with timm parameter names. */
package dev.perennial.models.vit;
