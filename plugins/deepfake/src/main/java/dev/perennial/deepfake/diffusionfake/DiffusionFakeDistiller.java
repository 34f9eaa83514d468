package dev.perennial.deepfake.diffusionfake;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.perennial.models.diffusion.AutoencoderKL;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Distiller;
import dev.perennial.spi.LossTerms;
import dev.perennial.spi.StepContext;
import java.util.Optional;
import java.util.Random;

/**
 * The {@code diffusionfake} distiller: the learner is the detector; this adds the training-only
 * {@link DiffusionFakeHead} and its four loss terms. The frozen VAE encodes the detector image, the source and the
 * target (no gradient) into scaled latents; the similarity targets σ_s, σ_t are computed from them on the fly with
 * the spec's formula (the official code precomputes the same values). The conditioning is a zero "empty prompt"
 * sequence of one token (no text encoder is loaded; an unconditional generator is trained with the same zeros).
 */
final class DiffusionFakeDistiller implements Distiller {
    private final DiffusionFakeConfig config;
    private final DiffusionFakeHead head;
    private final AutoencoderKL vae;
    private final long seed;

    DiffusionFakeDistiller(DiffusionFakeConfig config, DiffusionFakeHead head, AutoencoderKL vae, long seed) {
        this.config = config;
        this.head = head;
        this.vae = vae;
        this.seed = seed;
        vae.freezeParameters(true);
    }

    @Override
    public Optional<Block> trainable() {
        return Optional.of(head);
    }

    /** @return the head */
    DiffusionFakeHead head() {
        return head;
    }

    /** @return the frozen autoencoder */
    AutoencoderKL vae() {
        return vae;
    }

    @Override
    public LossTerms loss(Batch batch, LossTerms student, StepContext step) {
        NDArray features = student.output(config.featureOutput()).orElseThrow(() -> new IllegalStateException(
                "distiller 'diffusionfake' needs the learner output '" + config.featureOutput() + "' (the detector's"
                        + " feature map, B x C x h x w), but the learner returned only "
                        + student.outputs().stream().map(NDArray::getName).toList()));
        ParameterStore frozen = new ParameterStore(features.getManager(), false);
        NDArray image = latent(frozen, input(batch, config.imageInput()));
        NDArray source = latent(frozen, input(batch, config.sourceInput()));
        NDArray target = latent(frozen, input(batch, config.targetInput()));
        NDArray simS = DiffusionFakeHead.similarityTarget(image, source);
        NDArray simT = DiffusionFakeHead.similarityTarget(image, target);
        int b = (int) features.getShape().get(0);
        Random rng = new Random(seed * 1_000_003L + step.globalStep());
        int[] t = new int[b];
        for (int i = 0; i < b; i++) {
            t[i] = rng.nextInt(config.timesteps());
        }
        NDArray noise = features.getManager().randomNormal(source.getShape());
        NDArray empty = features.getManager().zeros(
                new Shape(b, 1, head.generator().config().crossAttentionDim()));
        DiffusionFakeHead.Terms terms = head.loss(frozen, features, source, target, simS, simT, t, noise, empty,
                step.training());
        float rw = (float) config.reconstructionWeight();
        float ww = (float) config.weightRegressionWeight();
        return LossTerms.of("diffusionfake-rec-source", dev.perennial.models.nn.Scalars.mul(
                        terms.reconstructionSource(), rw))
                .and("diffusionfake-rec-target", dev.perennial.models.nn.Scalars.mul(terms.reconstructionTarget(), rw))
                .and("diffusionfake-weight-source", dev.perennial.models.nn.Scalars.mul(terms.weightSource(), ww))
                .and("diffusionfake-weight-target", dev.perennial.models.nn.Scalars.mul(terms.weightTarget(), ww));
    }

    private NDArray latent(ParameterStore store, NDArray image) {
        NDList posterior = vae.encode(store, image, false);
        return vae.toDiffusionLatent(posterior.get(0)).stopGradient();
    }

    private static NDArray input(Batch batch, String name) {
        for (NDArray a : batch.inputs()) {
            if (name.equals(a.getName())) {
                return a;
            }
        }
        throw new IllegalStateException("distiller 'diffusionfake' needs the batch input '" + name + "', but the "
                + "batch has " + batch.inputs().stream().map(NDArray::getName).toList()
                + "; configure sourceInput/targetInput/imageInput or use a data set that provides them");
    }
}
