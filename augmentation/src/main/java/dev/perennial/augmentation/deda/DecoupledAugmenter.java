package dev.perennial.augmentation.deda;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.perennial.augmentation.ImageShape;
import dev.perennial.augmentation.StepRandom;
import dev.perennial.models.nn.Owned;
import dev.perennial.spi.Augmenter;
import dev.perennial.spi.Batch;
import dev.perennial.spi.PluginState;
import dev.perennial.spi.StepContext;
import dev.perennial.spi.TaskInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The De-DA augmenter (specs/de-da.md). For each training batch:
 *
 * <ol>
 *   <li><b>Decouple</b> (§1 steps 1 and 3): every sample's mask A splits it into an object layer (CDP) and a
 *       background whose hole is filled (CIP); both are offered to the pools of the sample's class.</li>
 *   <li><b>Combine</b> (§2.4): with probability p_apply, a sample becomes
 *       x̃ = A'⊙CDP'_rgb + (1 − A')⊙CIP, where CDP' is an edited object of the sample's class y (from the pool,
 *       or the sample's own), and CIP is a uniform draw from the pool of a class y' drawn uniformly among the
 *       classes that have backgrounds, y' ≠ y when {@code interClass}. The label stays y (§2.3).</li>
 * </ol>
 *
 * A sample is left unchanged when its mask is empty (property D7) or when no eligible background exists yet
 * (e.g. the first batch of a task whose classes are all new). When the batch carries the mask input, it is
 * replaced by the pasted objects' alphas so later augmenters see aligned masks.
 */
public final class DecoupledAugmenter implements Augmenter {

    /** The layout version of {@link #saveState}. */
    public static final int STATE_SCHEMA = 1;

    /**
     * One composite made in the last step, for logging and tests.
     *
     * @param sample the position in the batch
     * @param objectClass the object's class (the label)
     * @param backgroundClass the class whose background was used
     */
    public record Draw(int sample, long objectClass, long backgroundClass) {}

    private final DecoupledConfig config;
    private final long seed;
    private final Optional<MaskProvider> maskProvider;
    private final MaskProvider datasetMasks;
    private final MaskProvider saliencyMasks;
    private final ObjectEditor editor;
    private final HoleFill holeFill;
    private final Compositing compositing;
    private final boolean objectFromPool;

    private ImageShape imageSize;
    private ClassReservoirs objects;
    private ClassReservoirs backgrounds;
    private List<Draw> lastDraws = List.of();

    /**
     * Makes the augmenter with the mask provider and editor the config names.
     *
     * @param config the configuration
     * @param seed the plugin seed
     */
    public DecoupledAugmenter(DecoupledConfig config, long seed) {
        this(config, seed, DecoupledParts.maskProvider(config), DecoupledParts.editor(config));
    }

    /**
     * Makes the augmenter with a given mask provider and editor (the Java-side plugin point).
     *
     * @param config the configuration (its {@code maskSource} and {@code editor} names are not used)
     * @param seed the plugin seed
     * @param maskProvider the mask provider, or empty for {@code auto} (dataset masks when present, else saliency)
     * @param editor the object editor
     */
    public DecoupledAugmenter(DecoupledConfig config, long seed, Optional<MaskProvider> maskProvider,
                              ObjectEditor editor) {
        this.config = config;
        this.seed = seed;
        this.maskProvider = maskProvider;
        this.datasetMasks = new DatasetMaskProvider(config.maskInput());
        this.saliencyMasks = DecoupledParts.saliency(config);
        this.editor = editor;
        this.holeFill = HoleFill.parse(config.holeFill());
        this.compositing = Compositing.parse(config.blend());
        this.objectFromPool = "pool".equals(config.objectSource());
    }

    @Override
    public void beforeTask(TaskInfo task) {
        if (config.resetPoolsEachTask() && objects != null) {
            objects.clear();
            backgrounds.clear();
        }
    }

    /**
     * The composites made in the last call of {@link #apply}.
     *
     * @return the draws, in batch order
     */
    public List<Draw> lastDraws() {
        return lastDraws;
    }

    /**
     * The object pools (RGBA layers, C + 1 planes per item), empty before the first batch.
     *
     * @return the pools
     */
    public Optional<ClassReservoirs> objectPools() {
        return Optional.ofNullable(objects);
    }

    /**
     * The background pools (filled CIPs, C planes per item), empty before the first batch.
     *
     * @return the pools
     */
    public Optional<ClassReservoirs> backgroundPools() {
        return Optional.ofNullable(backgrounds);
    }

    @Override
    public Batch apply(Batch batch, StepContext step) {
        lastDraws = List.of();
        if (!step.training() || batch.size() == 0) {
            return batch;
        }
        NDArray image = batch.input(config.imageInput());
        ImageShape s = ImageShape.of(image, "de-da", config.imageInput());
        long[] labels = batch.requireLabels().toType(DataType.INT64, false).toLongArray();
        MaskProvider provider = maskProvider.orElse(batch.hasInput(config.maskInput()) ? datasetMasks
                : saliencyMasks);
        float[] masks = readMasks(provider, batch, image, s, step);
        ensurePools(s);
        float[] x = image.toFloatArray();
        SplittableRandom random = StepRandom.forStep(seed, step);
        int size = s.imageSize();
        int plane = s.planeSize();
        int[] objectPixels = new int[s.batch()];

        for (int b = 0; b < s.batch(); b++) {
            float[] rgb = slice(x, b * size, size);
            float[] alpha = slice(masks, b * plane, plane);
            for (float a : alpha) {
                if (a >= config.maskThreshold()) {
                    objectPixels[b]++;
                }
            }
            if (objectPixels[b] > 0) {
                float[] layer = new float[size + plane];
                System.arraycopy(rgb, 0, layer, 0, size);
                System.arraycopy(alpha, 0, layer, size, plane);
                objects.offer(labels[b], layer, random);
            }
            boolean[] hole = HoleFill.hole(alpha, s.height(), s.width(), config.maskThreshold(),
                    config.holeDilation());
            if (!allTrue(hole)) {
                float[] background = rgb.clone();
                holeFill.fill(background, s.channels(), s.height(), s.width(), hole, config.fillIterations());
                backgrounds.offer(labels[b], background, random);
            }
        }

        float[] out = x.clone();
        float[] outMasks = masks.clone();
        List<Draw> draws = new ArrayList<>();
        List<Long> withBackgrounds = backgrounds.classes();
        for (int b = 0; b < s.batch(); b++) {
            // One draw per sample whatever happens next, so a skipped sample does not shift the others' draws.
            boolean apply = random.nextDouble() < config.applyProbability();
            if (!apply || objectPixels[b] == 0) {
                continue;
            }
            long y = labels[b];
            List<Long> candidates = new ArrayList<>(withBackgrounds.size());
            for (Long c : withBackgrounds) {
                if (!config.interClass() || c != y) {
                    candidates.add(c);
                }
            }
            if (candidates.isEmpty()) {
                continue;
            }
            ObjectLayer object;
            if (objectFromPool) {
                float[] layer = objects.sample(y, random).orElseThrow();
                object = new ObjectLayer(slice(layer, 0, size), slice(layer, size, plane), s.channels(), s.height(),
                        s.width());
            } else {
                object = new ObjectLayer(slice(x, b * size, size), slice(masks, b * plane, plane), s.channels(),
                        s.height(), s.width());
            }
            ObjectLayer edited = editor.edit(object, random);
            if (edited.channels() != s.channels() || edited.height() != s.height() || edited.width() != s.width()) {
                throw new IllegalStateException("de-da object editor '" + editor.name() + "' returned a "
                        + edited.channels() + "×" + edited.height() + "×" + edited.width() + " object for a "
                        + s.channels() + "×" + s.height() + "×" + s.width() + " input");
            }
            long backgroundClass = candidates.get(random.nextInt(candidates.size()));
            float[] background = backgrounds.sample(backgroundClass, random).orElseThrow();
            float[] composite = compositing.composite(edited, background, config.featherSigma(),
                    config.pyramidLevels());
            System.arraycopy(composite, 0, out, b * size, size);
            System.arraycopy(edited.alpha(), 0, outMasks, b * plane, plane);
            draws.add(new Draw(b, y, backgroundClass));
        }
        lastDraws = List.copyOf(draws);
        if (draws.isEmpty()) {
            return batch;
        }
        NDManager manager = step.manager();
        Batch result = batch.withInput(config.imageInput(),
                Owned.floats(manager, out, s.toShape()).toDevice(image.getDevice(), false));
        if (batch.hasInput(config.maskInput())) {
            NDArray original = batch.input(config.maskInput());
            NDArray newMasks = Owned.floats(manager, outMasks, new Shape(s.batch(), 1, s.height(), s.width()))
                    .reshape(original.getShape()).toType(original.getDataType(), false)
                    .toDevice(original.getDevice(), false);
            result = result.withInput(config.maskInput(), newMasks);
        }
        return result;
    }

    private float[] readMasks(MaskProvider provider, Batch batch, NDArray image, ImageShape s, StepContext step) {
        NDArray m = provider.masks(batch, image, step);
        Shape expected = new Shape(s.batch(), 1, s.height(), s.width());
        if (!m.getShape().equals(expected)) {
            throw new IllegalArgumentException("de-da mask provider '" + provider.name() + "' gave masks of shape "
                    + m.getShape() + "; expected " + expected + " for images " + s);
        }
        float[] v = m.toType(DataType.FLOAT32, false).toFloatArray();
        for (float a : v) {
            if (!(a >= 0 && a <= 1)) {
                throw new IllegalArgumentException("de-da mask provider '" + provider.name()
                        + "' gave a mask value " + a + "; masks must lie in [0, 1] (1 = object)");
            }
        }
        return v;
    }

    private void ensurePools(ImageShape s) {
        if (imageSize == null) {
            imageSize = s;
            objects = new ClassReservoirs(config.poolSizePerClass(), s.imageSize() + s.planeSize());
            backgrounds = new ClassReservoirs(config.poolSizePerClass(), s.imageSize());
        } else if (!imageSize.sameImageSize(s)) {
            throw new IllegalArgumentException("augmenter 'de-da' pools hold " + imageSize.channels() + "×"
                    + imageSize.height() + "×" + imageSize.width() + " images but this batch has " + s
                    + "; resize images to one size before de-da");
        }
    }

    private static float[] slice(float[] src, int offset, int length) {
        float[] out = new float[length];
        System.arraycopy(src, offset, out, 0, length);
        return out;
    }

    private static boolean allTrue(boolean[] flags) {
        for (boolean f : flags) {
            if (!f) {
                return false;
            }
        }
        return true;
    }

    @Override
    public PluginState saveState(StepContext step) {
        if (imageSize == null) {
            return PluginState.empty(STATE_SCHEMA);
        }
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("imageShape", List.of(imageSize.channels(), imageSize.height(), imageSize.width()));
        values.put("objectSeen", seenCounts(objects, tensors, "objects/", imageSize.channels() + 1, step));
        values.put("backgroundSeen", seenCounts(backgrounds, tensors, "backgrounds/", imageSize.channels(), step));
        return new PluginState(STATE_SCHEMA, tensors, values);
    }

    private Map<String, Object> seenCounts(ClassReservoirs pools, Map<String, NDArray> tensors, String prefix,
                                           int planes, StepContext step) {
        Map<String, Object> seen = new LinkedHashMap<>();
        for (long cls : pools.classes()) {
            List<float[]> items = pools.items(cls);
            float[] flat = new float[items.size() * pools.itemLength()];
            for (int i = 0; i < items.size(); i++) {
                System.arraycopy(items.get(i), 0, flat, i * pools.itemLength(), pools.itemLength());
            }
            tensors.put(prefix + cls, Owned.floats(step.manager(), flat,
                    new Shape(items.size(), planes, imageSize.height(), imageSize.width())));
            seen.put(Long.toString(cls), pools.seen(cls));
        }
        return seen;
    }

    @Override
    public void loadState(PluginState state) {
        state.requireSchema("de-da", STATE_SCHEMA);
        if (!state.values().containsKey("imageShape")) {
            imageSize = null;
            objects = null;
            backgrounds = null;
            return;
        }
        List<?> shape = (List<?>) state.values().get("imageShape");
        ImageShape s = new ImageShape(0, ((Number) shape.get(0)).intValue(), ((Number) shape.get(1)).intValue(),
                ((Number) shape.get(2)).intValue());
        imageSize = null;
        ensurePools(s);
        restore(objects, state, "objects/", "objectSeen");
        restore(backgrounds, state, "backgrounds/", "backgroundSeen");
    }

    private static void restore(ClassReservoirs pools, PluginState state, String prefix, String seenKey) {
        Object seenValue = state.values().get(seenKey);
        if (!(seenValue instanceof Map<?, ?> seen)) {
            throw new IllegalStateException("de-da state value '" + seenKey + "' is " + seenValue
                    + "; expected a map from class id to count");
        }
        for (Map.Entry<?, ?> e : seen.entrySet()) {
            long cls = Long.parseLong(e.getKey().toString());
            float[] flat = state.tensor(prefix + cls).toType(DataType.FLOAT32, false).toFloatArray();
            int n = flat.length / pools.itemLength();
            if (n * pools.itemLength() != flat.length) {
                throw new IllegalStateException("de-da state tensor '" + prefix + cls + "' holds " + flat.length
                        + " values, not a multiple of the item size " + pools.itemLength());
            }
            List<float[]> items = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                items.add(slice(flat, i * pools.itemLength(), pools.itemLength()));
            }
            pools.restore(cls, items, ((Number) e.getValue()).longValue());
        }
    }
}
