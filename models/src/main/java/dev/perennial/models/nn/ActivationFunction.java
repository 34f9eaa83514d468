package dev.perennial.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** The element-wise activations the backbones use. */
public enum ActivationFunction {
    /** Exact GELU, x·Φ(x) (timm ViT, LLaVA projector). */
    GELU {
        @Override
        public NDArray apply(NDArray x) {
            return Activation.gelu(x);
        }
    },
    /** CLIP's quick GELU, x·σ(1.702·x) (Radford et al. 2021; HF {@code quick_gelu}). */
    QUICK_GELU {
        @Override
        public NDArray apply(NDArray x) {
            return x.mul(Activation.sigmoid(Scalars.mul(x, 1.702f)));
        }
    },
    /** max(x, 0). */
    RELU {
        @Override
        public NDArray apply(NDArray x) {
            return Activation.relu(x);
        }
    },
    /**
     * SiLU / swish, x·σ(x) (LLaMA's gate). Not DJL's {@code Activation.swish(x, 1)}: that computes
     * {@code x.mul(β)} with a from-blob scalar it closes at once, which autograd keeps for the backward pass; a
     * collection before backward then made the LLaVA decoder's gradients read freed memory (issue 16).
     */
    SILU {
        @Override
        public NDArray apply(NDArray x) {
            return x.mul(Activation.sigmoid(x));
        }
    };

    /**
     * Applies the activation.
     *
     * @param x input
     * @return activated input, same shape
     */
    public abstract NDArray apply(NDArray x);

    /**
     * The activation a Hugging Face config names ({@code hidden_act}, {@code projector_hidden_act}).
     *
     * @param name the config value
     * @param field the config field, for the message
     * @return the activation
     * @throws IllegalArgumentException naming the field and the accepted values
     */
    public static ActivationFunction fromHf(String name, String field) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "gelu" -> GELU;
            case "quick_gelu" -> QUICK_GELU;
            case "relu" -> RELU;
            case "silu", "swish" -> SILU;
            default -> throw new IllegalArgumentException(
                    field + " is '" + name + "'; accepted: gelu, quick_gelu, relu, silu");
        };
    }
}
