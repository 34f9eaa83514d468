/** The LLaMA decoder with Hugging Face parameter names and a KV cache. */
package dev.perennial.models.llama;
