package dev.perennial.llava;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How {@link LlavaCheckpoint#load} builds the model.
 *
 * @param manager the manager (and so the device) that owns the parameters
 * @param dataType FLOAT32 (CPU) or FLOAT16 (GPU); BF16 checkpoints are widened while reading (BF16 arrays would
 *     abort the JVM in DJL 0.36)
 * @param strict whether any missing, unexpected or mis-shaped tensor is an error (nothing is copied then)
 * @param visionTowerDir a separate CLIP checkpoint directory for original-layout checkpoints that do not contain
 *     the tower (the original LLaVA loads {@code mm_vision_tower} from its own files)
 * @param memoryBudgetBytes the bytes the parameters may take; empty = the available physical memory on CPU
 *     ({@code MemAvailable} of {@code /proc/meminfo}), no check on GPU
 */
public record LoadOptions(
        NDManager manager,
        DataType dataType,
        boolean strict,
        Optional<Path> visionTowerDir,
        OptionalLong memoryBudgetBytes) {

    /** Validates. */
    public LoadOptions {
        if (manager == null) {
            throw new IllegalArgumentException("llava load options: manager is required");
        }
        if (dataType != DataType.FLOAT32 && dataType != DataType.FLOAT16) {
            throw new IllegalArgumentException("llava load options: dataType must be FLOAT32 or FLOAT16, got "
                    + dataType + " (BF16 arrays abort the JVM in DJL 0.36; BF16 checkpoints are widened on read)");
        }
    }

    /**
     * Strict float32 loading, memory checked against the machine.
     *
     * @param manager the owning manager
     * @return the options
     */
    public static LoadOptions strict(NDManager manager) {
        return new LoadOptions(manager, DataType.FLOAT32, true, Optional.empty(), OptionalLong.empty());
    }

    /**
     * Lenient: copies what matches and reports the rest.
     *
     * @return a copy
     */
    public LoadOptions lenient() {
        return new LoadOptions(manager, dataType, false, visionTowerDir, memoryBudgetBytes);
    }

    /**
     * With a data type.
     *
     * @param type FLOAT32 or FLOAT16
     * @return a copy
     */
    public LoadOptions withDataType(DataType type) {
        return new LoadOptions(manager, type, strict, visionTowerDir, memoryBudgetBytes);
    }

    /**
     * With a separate vision tower directory.
     *
     * @param dir the CLIP checkpoint directory
     * @return a copy
     */
    public LoadOptions withVisionTower(Path dir) {
        return new LoadOptions(manager, dataType, strict, Optional.of(dir), memoryBudgetBytes);
    }

    /**
     * With an explicit memory budget.
     *
     * @param bytes the budget
     * @return a copy
     */
    public LoadOptions withMemoryBudget(long bytes) {
        return new LoadOptions(manager, dataType, strict, visionTowerDir, OptionalLong.of(bytes));
    }
}
