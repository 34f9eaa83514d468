package dev.perennial.models.diffusion;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import dev.perennial.models.io.CheckpointException;
import dev.perennial.models.io.Checkpoints;
import dev.perennial.models.io.LoadReport;
import dev.perennial.models.io.NameMap;
import dev.perennial.models.io.ShapeMismatch;
import dev.perennial.models.io.TensorSource;
import dev.perennial.models.io.WeightLoadException;
import dev.perennial.models.io.WeightLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Loading diffusers model directories ({@code unet/}, {@code vae/} of a Stable Diffusion snapshot: a
 * {@code config.json} and {@code diffusion_pytorch_model.safetensors}, or its {@code .index.json} when sharded, or
 * the {@code .fp16.safetensors} variant), strictly: every parameter must be present with its shape and no tensor
 * may be left over, else a {@link CheckpointException} whose one-line message names every missing, unexpected and
 * mis-shaped tensor. Pickled {@code .bin} weights are not read.
 */
public final class Diffusers {
    /** The file name of diffusers weights. */
    public static final String WEIGHTS = "diffusion_pytorch_model.safetensors";

    /**
     * Renames the VAE mid-block attention of checkpoints saved by older diffusers versions ({@code query},
     * {@code key}, {@code value}, {@code proj_attn}) to the current names ({@code to_q}, {@code to_k}, {@code to_v},
     * {@code to_out.0}); current names pass unchanged.
     */
    public static final NameMap LEGACY_VAE_ATTENTION =
            NameMap.rename("(attentions\\.\\d+\\.)query\\.", "$1to_q.")
                    .andThen(NameMap.rename("(attentions\\.\\d+\\.)key\\.", "$1to_k."))
                    .andThen(NameMap.rename("(attentions\\.\\d+\\.)value\\.", "$1to_v."))
                    .andThen(NameMap.rename("(attentions\\.\\d+\\.)proj_attn\\.", "$1to_out.0."));

    private Diffusers() {}

    /**
     * Builds a UNet from {@code dir/config.json} and loads {@code dir}'s weights into it strictly.
     *
     * @param dir the {@code unet/} directory
     * @param manager the manager that owns the parameters
     * @return the loaded UNet
     * @throws IOException if a file cannot be read, or (as {@link CheckpointException}) the weights do not match
     */
    public static UNet2DConditionModel loadUnet(Path dir, NDManager manager) throws IOException {
        UNet2DConditionModel unet = new UNet2DConditionModel(UNet2DConditionConfig.read(dir));
        unet.initialize(manager, DataType.FLOAT32);
        loadStrict(weights(dir), unet, NameMap.identity(), "UNet2DConditionModel");
        return unet;
    }

    /**
     * Builds an autoencoder from {@code dir/config.json} and loads {@code dir}'s weights into it strictly (legacy
     * attention names accepted).
     *
     * @param dir the {@code vae/} directory
     * @param manager the manager that owns the parameters
     * @return the loaded autoencoder
     * @throws IOException if a file cannot be read, or (as {@link CheckpointException}) the weights do not match
     */
    public static AutoencoderKL loadVae(Path dir, NDManager manager) throws IOException {
        AutoencoderKL vae = new AutoencoderKL(AutoencoderKLConfig.read(dir));
        vae.initialize(manager, DataType.FLOAT32);
        loadStrict(weights(dir), vae, LEGACY_VAE_ATTENTION, "AutoencoderKL");
        return vae;
    }

    /**
     * Loads a checkpoint into an initialised block strictly, with a one-line error.
     *
     * @param file the checkpoint
     * @param block the block
     * @param names the name map
     * @param what the model's name for the message
     * @return the report
     * @throws IOException if it cannot be read, or (as {@link CheckpointException}) it does not match
     */
    public static LoadReport loadStrict(Path file, Block block, NameMap names, String what) throws IOException {
        try (TensorSource source = Checkpoints.open(file)) {
            return WeightLoader.strict().withNameMap(names).load(source, block);
        } catch (WeightLoadException e) {
            throw new CheckpointException(file, oneLine(e.report(), what));
        }
    }

    /**
     * The problems of a load report on one line.
     *
     * @param r the report
     * @param what the model's name
     * @return e.g. {@code does not match AutoencoderKL (strict): 1 missing [a.weight]; 0 unexpected; 1 mis-shaped
     *     [b.bias: block expects (4), checkpoint has (5)]}
     */
    static String oneLine(LoadReport r, String what) {
        return "does not match " + what + " (strict): " + r.missing().size() + " missing " + list(r.missing())
                + "; " + r.unexpected().size() + " unexpected " + list(r.unexpected()) + "; "
                + r.mismatched().size() + " mis-shaped "
                + list(r.mismatched().stream().map(ShapeMismatch::toString).toList());
    }

    private static String list(List<String> names) {
        if (names.isEmpty()) {
            return "[]";
        }
        int shown = Math.min(names.size(), 20);
        return names.subList(0, shown).stream().collect(Collectors.joining(", ", "[", ""))
                + (names.size() > shown ? ", … " + (names.size() - shown) + " more]" : "]");
    }

    private static Path weights(Path dir) throws CheckpointException {
        for (String name : List.of(WEIGHTS, WEIGHTS + ".index.json", "diffusion_pytorch_model.fp16.safetensors",
                "diffusion_pytorch_model.fp16.safetensors.index.json")) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new CheckpointException(dir, "holds no " + WEIGHTS + " (nor its .index.json or .fp16 variant); "
                + "expected a diffusers model directory");
    }
}
