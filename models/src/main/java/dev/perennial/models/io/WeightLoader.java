package dev.perennial.models.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.perennial.models.ParameterNames;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Copies checkpoint tensors into an initialized block's parameters, matched by torch-style name
 * ({@link ParameterNames}) after an optional {@link NameMap}.
 *
 * <p>All names and shapes are checked from the checkpoint header before any data is read. A strict load
 * ({@link #strict()}) with anything missing, unexpected or mis-shaped throws {@link WeightLoadException} and
 * copies nothing; a lenient load copies what matches and returns the report. Following djl-notes §4.3 the block
 * is initialized first and each tensor is copied into {@code parameter.getArray()}, converted to the
 * parameter's type and device; the checkpoint tensor lives only in a scoped manager during its copy.
 *
 * <p>By default tensors named {@code *num_batches_tracked} are skipped: torch's batch-norm step counter only
 * matters when momentum is {@code None}, and Perennial's batch norm uses a fixed momentum.
 *
 * <pre>{@code
 * try (TensorSource ckpt = Checkpoints.open(Path.of("resnet18.safetensors"))) {
 *     LoadReport report = WeightLoader.strict().load(ckpt, resnet);
 * }
 * }</pre>
 */
public final class WeightLoader {
    /** The default ignore pattern: torch batch-norm step counters. */
    public static final String NUM_BATCHES_TRACKED = "(^|\\.)num_batches_tracked$";

    private final boolean strict;
    private final NameMap nameMap;
    private final List<Pattern> ignored;
    private final List<Pattern> optional;

    private WeightLoader(boolean strict, NameMap nameMap, List<Pattern> ignored, List<Pattern> optional) {
        this.strict = strict;
        this.nameMap = nameMap;
        this.ignored = List.copyOf(ignored);
        this.optional = List.copyOf(optional);
    }

    /**
     * A loader that fails on any difference, with the identity name map.
     *
     * @return the loader
     */
    public static WeightLoader strict() {
        return new WeightLoader(true, NameMap.identity(), List.of(Pattern.compile(NUM_BATCHES_TRACKED)), List.of());
    }

    /**
     * A loader that copies what matches and reports the rest, with the identity name map.
     *
     * @return the loader
     */
    public static WeightLoader lenient() {
        return new WeightLoader(false, NameMap.identity(), List.of(Pattern.compile(NUM_BATCHES_TRACKED)), List.of());
    }

    /**
     * This loader with a name map (replacing the current one).
     *
     * @param map checkpoint name to block name
     * @return a new loader
     */
    public WeightLoader withNameMap(NameMap map) {
        return new WeightLoader(strict, Objects.requireNonNull(map, "map"), ignored, optional);
    }

    /**
     * This loader also skipping checkpoint tensors whose name contains a match of a pattern.
     *
     * @param regex the pattern
     * @return a new loader
     */
    public WeightLoader ignoring(String regex) {
        List<Pattern> more = new ArrayList<>(ignored);
        more.add(Pattern.compile(regex));
        return new WeightLoader(strict, nameMap, more, optional);
    }

    /**
     * This loader tolerating, even when strict, block parameters matching a pattern that the checkpoint lacks
     * (e.g. a new classification head: {@code "^fc\\."}). They are still listed as missing.
     *
     * @param regex the pattern, matched against block names
     * @return a new loader
     */
    public WeightLoader allowingMissing(String regex) {
        List<Pattern> more = new ArrayList<>(optional);
        more.add(Pattern.compile(regex));
        return new WeightLoader(strict, nameMap, ignored, more);
    }

    /**
     * Whether this loader fails on differences.
     *
     * @return true if strict
     */
    public boolean isStrict() {
        return strict;
    }

    /**
     * Matches names and shapes without copying anything.
     *
     * @param source the checkpoint
     * @param block an initialized block
     * @return what a lenient load would do
     * @throws IllegalStateException if a parameter of the block is not initialized
     * @throws IllegalArgumentException if two checkpoint tensors map to the same parameter
     */
    public LoadReport plan(TensorSource source, Block block) {
        return match(source, block).report;
    }

    /**
     * Loads the checkpoint into the block.
     *
     * @param source the checkpoint
     * @param block an initialized block
     * @return the report
     * @throws WeightLoadException if strict and anything is missing, unexpected or mis-shaped (nothing copied)
     * @throws IOException if a tensor cannot be read
     * @throws IllegalStateException if a parameter of the block is not initialized
     * @throws IllegalArgumentException if two checkpoint tensors map to the same parameter
     */
    public LoadReport load(TensorSource source, Block block) throws IOException {
        Match m = match(source, block);
        if (strict) {
            boolean missingRequired = m.report.missing().stream()
                    .anyMatch(n -> optional.stream().noneMatch(p -> p.matcher(n).find()));
            if (missingRequired || !m.report.unexpected().isEmpty() || !m.report.mismatched().isEmpty()) {
                throw new WeightLoadException(source.toString(), m.report);
            }
        }
        for (Map.Entry<String, String> e : m.copies.entrySet()) {
            NDArray target = m.targets.get(e.getValue()).getArray();
            try (NDManager scope = target.getManager().newSubManager()) {
                NDArray value = source.read(e.getKey(), scope);
                if (value.getDataType() != target.getDataType()) {
                    value = value.toType(target.getDataType(), false);
                }
                if (!value.getDevice().equals(target.getDevice())) {
                    value = value.toDevice(target.getDevice(), false);
                }
                value.copyTo(target);
            }
        }
        return m.report;
    }

    private record Match(LoadReport report, Map<String, String> copies, Map<String, Parameter> targets) {}

    private Match match(TensorSource source, Block block) {
        Map<String, Parameter> targets = ParameterNames.of(block);
        for (Map.Entry<String, Parameter> t : targets.entrySet()) {
            if (!t.getValue().isInitialized()) {
                throw new IllegalStateException("parameter '" + t.getKey() + "' of the block is not initialized; "
                        + "call block.initialize(manager, DataType.FLOAT32, inputShape) before loading weights");
            }
        }
        Map<String, String> copies = new LinkedHashMap<>();
        Map<String, String> claimedBy = new LinkedHashMap<>();
        List<String> unexpected = new ArrayList<>();
        List<ShapeMismatch> mismatched = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (String name : source.names()) {
            if (ignored.stream().anyMatch(p -> p.matcher(name).find())) {
                skipped.add(name);
                continue;
            }
            Optional<String> mapped = nameMap.apply(name);
            if (mapped.isEmpty()) {
                skipped.add(name);
                continue;
            }
            String target = mapped.get();
            Parameter parameter = targets.get(target);
            if (parameter == null) {
                unexpected.add(target.equals(name) ? name : name + " -> " + target);
                continue;
            }
            String previous = claimedBy.putIfAbsent(target, name);
            if (previous != null) {
                throw new IllegalArgumentException("checkpoint tensors '" + previous + "' and '" + name
                        + "' both map to parameter '" + target + "'; fix the name map");
            }
            Shape expected = parameter.getArray().getShape();
            Shape found = source.shape(name);
            if (!expected.equals(found)) {
                mismatched.add(new ShapeMismatch(name, target, expected, found));
                continue;
            }
            copies.put(name, target);
        }
        List<String> missing = new ArrayList<>();
        for (String t : targets.keySet()) {
            if (!claimedBy.containsKey(t)) {
                missing.add(t);
            }
        }
        LoadReport report = new LoadReport(new ArrayList<>(copies.values()), missing, unexpected, mismatched, skipped);
        return new Match(report, copies, targets);
    }
}
