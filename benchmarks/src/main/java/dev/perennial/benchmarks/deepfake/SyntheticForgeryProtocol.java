package dev.perennial.benchmarks.deepfake;

import dev.perennial.deepfake.protocol.Df40Protocols;
import dev.perennial.deepfake.protocol.ForgeryIndex;
import dev.perennial.deepfake.protocol.ForgeryRecord;
import dev.perennial.deepfake.protocol.ProtocolSpec;
import dev.perennial.deepfake.protocol.ProtocolSplit;
import dev.perennial.deepfake.synthetic.ForgeryType;
import dev.perennial.deepfake.synthetic.SyntheticFaces;
import dev.perennial.spi.DatasetSource;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The {@code synthetic-forgery-protocol} data set: the deepfake plugin's rendered faces arranged as a DF40-style
 * index (specs/deepfake.md §C.9: procedural forgeries as families × domains) and cut by DF40's protocol P1
 * ({@link Df40Protocols#p1}, "Same Data Domain, Different Forgery Types") trained on the FS family.
 *
 * <p>Families (all in domain {@code ff}): FS = method {@code swap}, a donor identity's face blended into a target
 * frame ({@link SyntheticFaces#generateSwaps}: the only forgeries with two identities, source ≠ target); FR =
 * {@code warp}, a smooth geometric warp of the face (the expression / pose drift of reenactment); EFS =
 * {@code noise}, {@code upsample}, {@code blur} (a generator's texture and resolution artifacts). FR and EFS are
 * self-blends of one identity, so their source and target are the real frame. The training split is P1's (FS fakes
 * and the reals of ff, minus the protocol's held-out 10 % of training videos); the evaluation split is the held-out
 * families FR and EFS together, or one test group ({@link SyntheticForgeryProtocolConfig#evaluateOn}).
 *
 * <p>Class 0 = real, 1 = fake. Each example has {@code image}, {@code source} and {@code target}
 * ({@code 3 × size × size}, in [−1, 1], as {@code synthetic-swaps} gives them).
 */
public final class SyntheticForgeryProtocol implements DatasetSource {
    /** The evaluation split of the unseen families together. */
    public static final String HELD_OUT = "held-out";
    /** P1's test groups, in order; the first is the training family (in distribution). */
    public static final List<String> GROUPS = List.of("FSAll_ff", "FRAll_ff", "EFSAll_ff");
    /** The groups of forgery types not seen in training. */
    public static final List<String> HELD_OUT_GROUPS = List.of("FRAll_ff", "EFSAll_ff");

    private final SyntheticForgeryProtocolConfig config;
    private final Map<ForgeryRecord, SyntheticFaces.Sample> samples = new IdentityHashMap<>();
    private final ProtocolSplit split;

    /**
     * Renders the sets and cuts them by P1.
     *
     * @param config the configuration
     */
    public SyntheticForgeryProtocol(SyntheticForgeryProtocolConfig config) {
        this.config = config;
        SyntheticFaces faces = new SyntheticFaces(config.size());
        int fpv = config.framesPerVideo();
        long seed = config.seed();
        List<ForgeryRecord> records = new ArrayList<>();
        add(records, faces.generateSwaps(config.trainVideos(), fpv, config.fakeFraction(), config.minStrength(),
                "train-fs", seed), "train");
        add(records, faces.generateSwaps(config.testVideos(), fpv, config.fakeFraction(), config.minStrength(),
                "test-fs", seed * 31 + 7), "test");
        add(records, faces.generate(config.testVideos(), fpv, List.of(ForgeryType.WARP), config.fakeFraction(),
                config.minStrength(), "test-fr", seed * 31 + 8), "test");
        add(records, faces.generate(config.testVideos(), fpv,
                List.of(ForgeryType.NOISE, ForgeryType.UPSAMPLE, ForgeryType.BLUR), config.fakeFraction(),
                config.minStrength(), "test-efs", seed * 31 + 9), "test");
        this.split = new ForgeryIndex(records).split(Df40Protocols.p1("FS",
                ProtocolSpec.ModelSelection.HELD_OUT_VALIDATION, seed));
    }

    private void add(List<ForgeryRecord> records, List<SyntheticFaces.Sample> set, String splitName) {
        for (SyntheticFaces.Sample s : set) {
            String method = !s.fake() ? "real" : s.type() == null ? "swap" : s.type().name().toLowerCase(Locale.ROOT);
            String family = switch (method) {
                case "real" -> "";
                case "swap" -> "FS";
                case "warp" -> "FR";
                default -> "EFS";
            };
            ForgeryRecord r = new ForgeryRecord("synthetic/" + s.videoId() + "/" + records.size(), method, family,
                    "ff", s.fake(), s.videoId(), splitName);
            records.add(r);
            samples.put(r, s);
        }
    }

    /** @return the protocol's cut of the index */
    public ProtocolSplit protocolSplit() {
        return split;
    }

    /**
     * The samples of a test group.
     *
     * @param group one of {@link #GROUPS}
     * @return its reals and fakes
     */
    public List<SyntheticFaces.Sample> group(String group) {
        List<ForgeryRecord> rs = split.test().get(group);
        if (rs == null) {
            throw new IllegalArgumentException("synthetic-forgery-protocol: no test group '" + group + "'; groups: "
                    + split.test().keySet());
        }
        return rs.stream().map(samples::get).toList();
    }

    /**
     * The evaluation samples: one group, or the held-out groups together (each real once).
     *
     * @param evaluateOn a group or {@link #HELD_OUT}
     * @return the samples
     */
    public List<SyntheticFaces.Sample> evaluation(String evaluateOn) {
        if (!evaluateOn.equals(HELD_OUT)) {
            return group(evaluateOn);
        }
        Set<ForgeryRecord> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<SyntheticFaces.Sample> out = new ArrayList<>();
        for (String g : HELD_OUT_GROUPS) {
            for (ForgeryRecord r : split.test().get(g)) {
                if (seen.add(r)) {
                    out.add(samples.get(r));
                }
            }
        }
        return out;
    }

    /**
     * Every test group's samples.
     *
     * @return group → samples, in {@link #GROUPS} order
     */
    public Map<String, List<SyntheticFaces.Sample>> groups() {
        Map<String, List<SyntheticFaces.Sample>> out = new LinkedHashMap<>();
        for (String g : GROUPS) {
            out.put(g, group(g));
        }
        return out;
    }

    @Override
    public DatasetSplit train() {
        return new Split(split.train().stream().map(samples::get).toList());
    }

    @Override
    public DatasetSplit test() {
        return new Split(evaluation(config.evaluateOn()));
    }

    @Override
    public String describe() {
        return "synthetic forgeries cut by DF40 P1 (train FS face swaps; evaluate on " + config.evaluateOn() + "): "
                + config.trainVideos() + " training and " + config.testVideos() + " test identities per family x "
                + config.framesPerVideo() + " frames, " + config.size() + " px, seed " + config.seed();
    }

    /**
     * A sample's three features in [−1, 1].
     *
     * @param s the sample
     * @param size the image side
     * @return image, source, target
     */
    static Map<String, Feature> features(SyntheticFaces.Sample s, int size) {
        Map<String, Feature> f = new LinkedHashMap<>();
        long[] shape = {SyntheticFaces.CHANNELS, size, size};
        f.put("image", new Feature.Floats(TinyLatentDiffusion.toSigned(s.image()), shape));
        f.put("source", new Feature.Floats(TinyLatentDiffusion.toSigned(s.source()), shape));
        f.put("target", new Feature.Floats(TinyLatentDiffusion.toSigned(s.target()), shape));
        return f;
    }

    private final class Split implements DatasetSplit {
        private final List<SyntheticFaces.Sample> list;

        Split(List<SyntheticFaces.Sample> list) {
            this.list = list;
        }

        @Override
        public int size() {
            return list.size();
        }

        @Override
        public int[] labels() {
            return list.stream().mapToInt(s -> s.fake() ? 1 : 0).toArray();
        }

        @Override
        public Example get(int index) {
            if (index < 0 || index >= list.size()) {
                throw new IndexOutOfBoundsException("synthetic-forgery-protocol: example " + index + " outside 0.."
                        + (list.size() - 1));
            }
            SyntheticFaces.Sample s = list.get(index);
            return new Example(index, OptionalInt.of(s.fake() ? 1 : 0), features(s, config.size()), Map.of());
        }

        @Override
        public List<String> classNames() {
            return List.of("real", "fake");
        }
    }
}
