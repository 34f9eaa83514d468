import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.perennial.continual.ptm.PtmBackboneConfig;
import dev.perennial.models.ParameterNames;
import dev.perennial.models.io.SafetensorsWriter;
import dev.perennial.models.vit.VisionTransformer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a randomly initialised ViT in timm names (no head), a stand-in PTM for the feature-statistics benchmark
 * (BENCHMARKS.md, "Distributed feature statistics"). Run as a single-file program on sweep-spark's class path:
 * <pre>
 * java -cp "$(cat sweep-spark/target/classpath.txt)" -Dai.djl.offline=true tools/RandomVitCheckpoint.java \
 *     OUT.safetensors IMAGE_SIZE PATCH DIM DEPTH HEADS SEED
 * </pre>
 */
public final class RandomVitCheckpoint {
    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            System.err.println("usage: RandomVitCheckpoint OUT.safetensors IMAGE_SIZE PATCH DIM DEPTH HEADS SEED");
            System.exit(2);
        }
        int size = Integer.parseInt(args[1]);
        PtmBackboneConfig b = PtmBackboneConfig.defaults().withArchitecture("", size, Integer.parseInt(args[2]),
                Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]));
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(Integer.parseInt(args[6]));
            VisionTransformer vit = new VisionTransformer(b.vitConfig(false));
            vit.initialize(m, DataType.FLOAT32, new Shape(1, 3, size, size));
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            ParameterNames.of(vit).forEach((name, p) -> tensors.put(name, p.getArray()));
            SafetensorsWriter.write(Path.of(args[0]), tensors);
        }
        System.out.println("wrote " + args[0]);
    }
}
