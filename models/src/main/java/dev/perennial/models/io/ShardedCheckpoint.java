package dev.perennial.models.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A checkpoint split over several safetensors shards and described by a Hugging Face index file
 * ({@code model.safetensors.index.json}: {@code {"metadata": {...}, "weight_map": {"tensor": "shard file"}}}).
 *
 * <p>Every shard named by the index is opened and its header validated when the checkpoint is opened, and
 * every tensor the index lists must be in the shard it names; shard names must be plain file names in the
 * index's directory (no paths, so an index cannot point outside its folder).
 */
public final class ShardedCheckpoint implements TensorSource {
    private final Path index;
    private final Map<String, SafetensorsFile> owners;
    private final List<SafetensorsFile> shards;

    private ShardedCheckpoint(Path index, Map<String, SafetensorsFile> owners, List<SafetensorsFile> shards) {
        this.index = index;
        this.owners = owners;
        this.shards = shards;
    }

    /**
     * Opens a sharded checkpoint through its index file.
     *
     * @param indexFile the {@code *.safetensors.index.json} file
     * @param access how the shards' tensor bytes are read
     * @return the checkpoint
     * @throws CheckpointException if the index or a shard is malformed, or a listed tensor is absent
     * @throws IOException if a file cannot be read
     */
    public static ShardedCheckpoint open(Path indexFile, SafetensorsFile.Access access) throws IOException {
        Map<String, String> weightMap = readWeightMap(indexFile);
        Path dir = indexFile.toAbsolutePath().getParent();
        Map<String, SafetensorsFile> byShard = new LinkedHashMap<>();
        Map<String, SafetensorsFile> owners = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                String shardName = e.getValue();
                SafetensorsFile shard = byShard.get(shardName);
                if (shard == null) {
                    Path shardPath = dir.resolve(shardName);
                    if (!Files.isRegularFile(shardPath)) {
                        throw new CheckpointException(indexFile, e.getKey(), "shard '" + shardName
                                + "' named by weight_map does not exist in " + dir, null);
                    }
                    shard = SafetensorsFile.open(shardPath, access);
                    byShard.put(shardName, shard);
                }
                if (!shard.names().contains(e.getKey())) {
                    throw new CheckpointException(indexFile, e.getKey(), "weight_map places it in shard '"
                            + shardName + "', which has no such tensor", null);
                }
                owners.put(e.getKey(), shard);
            }
        } catch (IOException | RuntimeException ex) {
            for (SafetensorsFile f : byShard.values()) {
                f.close();
            }
            throw ex;
        }
        return new ShardedCheckpoint(indexFile, Collections.unmodifiableMap(owners),
                List.copyOf(byShard.values()));
    }

    private static Map<String, String> readWeightMap(Path indexFile) throws IOException {
        JsonElement root;
        try (Reader in = Files.newBufferedReader(indexFile); JsonReader json = new JsonReader(in)) {
            json.setStrictness(Strictness.STRICT);
            root = JsonParser.parseReader(json);
        } catch (JsonParseException | IllegalStateException e) {
            throw new CheckpointException(indexFile, null, "index is not well-formed JSON: "
                    + SafetensorsHeader.describeJsonError(e), e);
        }
        if (!root.isJsonObject() || !root.getAsJsonObject().has("weight_map")
                || !root.getAsJsonObject().get("weight_map").isJsonObject()) {
            throw new CheckpointException(indexFile, "index must be a JSON object with a \"weight_map\" object "
                    + "of tensor name -> shard file name");
        }
        JsonObject map = root.getAsJsonObject().getAsJsonObject("weight_map");
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : map.entrySet()) {
            JsonElement v = e.getValue();
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                throw new CheckpointException(indexFile, e.getKey(), "weight_map value must be a shard file name",
                        null);
            }
            String shard = v.getAsString();
            Path p = Path.of(shard);
            if (shard.isEmpty() || p.isAbsolute() || p.getNameCount() != 1 || shard.equals("..")
                    || shard.equals(".")) {
                throw new CheckpointException(indexFile, e.getKey(), "shard '" + shard + "' must be a plain file "
                        + "name in the index's directory", null);
            }
            Checkpoints.refusePickledName(indexFile.resolveSibling(shard));
            out.put(e.getKey(), shard);
        }
        if (out.isEmpty()) {
            throw new CheckpointException(indexFile, "weight_map is empty");
        }
        return out;
    }

    /**
     * The index file.
     *
     * @return its path
     */
    public Path indexFile() {
        return index;
    }

    /**
     * The shard holding a tensor.
     *
     * @param name a tensor name
     * @return the shard
     * @throws IllegalArgumentException if the index lists no such tensor
     */
    public SafetensorsFile shardOf(String name) {
        SafetensorsFile f = owners.get(name);
        if (f == null) {
            throw new IllegalArgumentException(index + ": the index lists no tensor named '" + name + "'");
        }
        return f;
    }

    /**
     * The shards, in first-use order of the index.
     *
     * @return the open shards
     */
    public List<SafetensorsFile> shards() {
        return shards;
    }

    @Override
    public Set<String> names() {
        return owners.keySet();
    }

    @Override
    public Shape shape(String name) {
        return shardOf(name).shape(name);
    }

    @Override
    public NDArray read(String name, NDManager manager) throws IOException {
        return shardOf(name).read(name, manager);
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (SafetensorsFile f : shards) {
            try {
                f.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "ShardedCheckpoint[" + index + ", " + shards.size() + " shards, " + owners.size() + " tensors]";
    }

    /** Unused-tensor audit for callers that want it: shard tensors the index does not list. */
    List<String> unlistedTensors() {
        List<String> out = new ArrayList<>();
        for (SafetensorsFile f : shards) {
            for (String n : f.names()) {
                if (owners.get(n) != f) {
                    out.add(f.path().getFileName() + ":" + n);
                }
            }
        }
        return out;
    }
}
