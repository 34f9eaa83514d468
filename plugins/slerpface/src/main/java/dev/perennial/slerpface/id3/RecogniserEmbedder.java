package dev.perennial.slerpface.id3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.perennial.models.diffusion.Diffusers;
import dev.perennial.models.io.CheckpointException;
import dev.perennial.models.io.NameMap;
import dev.perennial.models.io.SafetensorsFile;
import dev.perennial.models.nn.Scalars;
import dev.perennial.slerpface.learn.GroupTemplateNet;
import dev.perennial.slerpface.learn.SlerpFaceLearnerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The project's face recogniser as ID³'s frozen f̄: a {@code slerpface-grouping} network ({@link GroupTemplateNet})
 * read from a checkpoint, in inference mode, parameters frozen. The embedding is the one its ArcFace loss trains,
 * the L2-normalised flattened group template {@code ê = Gc(x)/‖Gc(x)‖} (m·d values). Samples in [−1, 1] are mapped
 * to the recogniser's [0, 1] first.
 */
public final class RecogniserEmbedder implements IdentityEmbedder {

    private static final String ARCFACE = "arcface_weight";

    private final GroupTemplateNet net;
    private final ParameterStore store;

    private RecogniserEmbedder(GroupTemplateNet net, ParameterStore store) {
        this.net = net;
        this.store = store;
    }

    /**
     * Wraps a network the caller owns (e.g. a learner's, in a test) and freezes it.
     *
     * @param net the network, initialised
     * @param manager the manager of its parameters
     * @return the embedder
     */
    public static RecogniserEmbedder of(GroupTemplateNet net, NDManager manager) {
        net.freezeParameters(true);
        return new RecogniserEmbedder(net, new ParameterStore(manager, false));
    }

    /**
     * Reads a trained {@code slerpface-grouping} recogniser: a run checkpoint's {@code model.safetensors} (tensors
     * {@code learner/…}) or a file of the network's own names. The identity count is read from its ArcFace weight.
     *
     * @param file the checkpoint file
     * @param config the learner configuration the recogniser was trained with
     * @param imageSide the image side it was trained on
     * @param manager the owner of the parameters
     * @return the frozen embedder
     * @throws IOException when it cannot be read or does not match the configuration (one line naming the tensors)
     * @throws IllegalArgumentException when the file is missing or holds no ArcFace weight
     */
    public static RecogniserEmbedder load(Path file, SlerpFaceLearnerConfig config, int imageSide, NDManager manager)
            throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("id3: recogniser file " + file + " does not exist (expected a"
                    + " slerpface-grouping run's checkpoints/<tag>/model.safetensors)");
        }
        String prefix;
        long classes;
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            if (f.names().contains("learner/" + ARCFACE)) {
                prefix = "learner/";
            } else if (f.names().contains(ARCFACE)) {
                prefix = "";
            } else {
                throw new IllegalArgumentException("id3: recogniser file " + file + " holds no " + ARCFACE + " (nor "
                        + "learner/" + ARCFACE + "); is it a slerpface-grouping checkpoint?");
            }
            classes = f.shape(prefix + ARCFACE).get(0);
        }
        GroupTemplateNet net = new GroupTemplateNet(config, 3, imageSide, (int) classes);
        net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, imageSide, imageSide));
        String what = "slerpface-grouping " + config + " at " + imageSide + "x" + imageSide;
        if (prefix.isEmpty()) {
            Diffusers.loadStrict(file, net, NameMap.identity(), what);
        } else {
            copyLoopCheckpoint(file, net, what, manager);
        }
        return of(net, manager);
    }

    /**
     * A run checkpoint names the learner's parameters {@code learner/<DJL parameter path>} (the loop saves
     * {@code getParameters()} keys); every one must be present with its shape.
     */
    private static void copyLoopCheckpoint(Path file, GroupTemplateNet net, String what, NDManager manager)
            throws IOException {
        List<String> problems = new ArrayList<>();
        try (SafetensorsFile f = SafetensorsFile.open(file); NDManager temp = manager.newSubManager()) {
            Set<String> left = new TreeSet<>(f.names());
            for (Pair<String, Parameter> p : net.getParameters()) {
                String name = "learner/" + p.getKey();
                left.remove(name);
                if (!f.names().contains(name)) {
                    problems.add("missing " + name);
                    continue;
                }
                NDArray value = f.read(name, temp);
                NDArray target = p.getValue().getArray();
                if (!value.getShape().equals(target.getShape())) {
                    problems.add(name + " is " + value.getShape() + " in the file, " + target.getShape()
                            + " in the network");
                } else {
                    value.copyTo(target);
                }
            }
            left.removeIf(n -> !n.startsWith("learner/"));
            if (!left.isEmpty()) {
                problems.add("unexpected " + left);
            }
        }
        if (!problems.isEmpty()) {
            throw new CheckpointException(file, "does not match " + what + ": " + problems);
        }
    }

    @Override
    public NDArray embed(NDArray samples) {
        NDArray images = Scalars.mul(Scalars.add(samples, 1f), 0.5f);
        NDArray groups = GroupTemplateNet.groupsOf(net.groupMap(store, images, false));
        return groups.reshape(groups.getShape().get(0), -1).normalize(2, 1, 1e-12);
    }

    @Override
    public int dimension() {
        return net.groups() * net.groupSize();
    }
}
