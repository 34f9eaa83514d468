package dev.perennial.slerpface.security;

import ai.djl.ndarray.types.DataType;
import dev.perennial.slerpface.GroupedTemplate;
import dev.perennial.slerpface.SlerpFaceConfig;
import dev.perennial.slerpface.baseline.RandomProjectionConfig;
import dev.perennial.spi.Batch;
import dev.perennial.spi.Metric;
import dev.perennial.spi.Predictions;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One number of {@link ProtectorEvaluation} as a metric of the loop: the learner predicts grouped templates
 * ({@code slerpface-grouping} with {@code predictTemplates: true}) of the evaluation data's identities (e.g.
 * {@code generated-faces} with {@code unseenTestIdentities}), the accumulator keeps them by label, and
 * {@link Accumulator#result} runs the evaluation of the configured scheme on them (attacker identities first, then the
 * test identities; the built-in key-known attack and the ridge attack) and returns its {@link Score}. The metrics of
 * one run evaluate the same templates and scheme: the evaluation is computed once and kept (by a hash of the templates
 * and the configuration) for the others.
 */
public final class ProtectionMetric implements Metric {

    /** The numbers of an evaluation row, one metric plugin each. */
    public enum Score {
        /** 10-fold verification accuracy. */
        ACCURACY("slerpface-accuracy", true),
        /** TAR at the configured FAR. */
        TAR("slerpface-tar", true),
        /** Unlinkability D↔sys (0 unlinkable, 1 fully linkable). */
        D_SYS("slerpface-dsys", false),
        /** Attack (1), key-known inverse: share of victims' reconstructions the protected system accepts. */
        KEY_KNOWN("slerpface-key-known-attack", false),
        /** Attack (2), ridge regression from protected to raw templates: share accepted. */
        RIDGE("slerpface-ridge-attack", false),
        /** Attack (1) judged by the unprotected recogniser: share of reconstructions that recover the identity. */
        KEY_KNOWN_RAW("slerpface-key-known-raw", false),
        /** Attack (2) judged by the unprotected recogniser. */
        RIDGE_RAW("slerpface-ridge-raw", false),
        /** Share of leaked templates accepted after the key is revoked. */
        REVOKED("slerpface-revoked-accept", false),
        /** TAR after re-enrolment under a new key. */
        REENROLLED_TAR("slerpface-reenrolled-tar", true);

        private final String plugin;
        private final boolean higherIsBetter;

        Score(String plugin, boolean higherIsBetter) {
            this.plugin = plugin;
            this.higherIsBetter = higherIsBetter;
        }

        /** @return the metric plugin's name */
        public String plugin() {
            return plugin;
        }

        double of(ProtectorEvaluation.Row row) {
            return switch (this) {
                case ACCURACY -> row.accuracy().mean();
                case TAR -> row.tar().tar();
                case D_SYS -> row.dSys();
                case KEY_KNOWN -> row.attack(ProtectorEvaluation.KEY_KNOWN).acceptedByProtectedSystem();
                case RIDGE -> row.attack("ridge").acceptedByProtectedSystem();
                case KEY_KNOWN_RAW -> row.attack(ProtectorEvaluation.KEY_KNOWN).acceptedByRawSystem();
                case RIDGE_RAW -> row.attack("ridge").acceptedByRawSystem();
                case REVOKED -> row.revokedAccept();
                case REENROLLED_TAR -> row.reenrolledTar();
            };
        }
    }

    private static final int CACHED = 8;
    private static final Map<String, ProtectorEvaluation.Row> ROWS = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ProtectorEvaluation.Row> eldest) {
            return size() > CACHED;
        }
    };

    private final ProtectionMetricConfig config;
    private final Score score;
    private final long seed;

    /**
     * The metric.
     *
     * @param config scheme and protocol
     * @param score which number it reports
     * @param seed the seed of the users' keys (the plugin seed)
     */
    public ProtectionMetric(ProtectionMetricConfig config, Score score, long seed) {
        this.config = config;
        this.score = score;
        this.seed = seed;
    }

    @Override
    public boolean higherIsBetter() {
        return score.higherIsBetter;
    }

    @Override
    public Accumulator newAccumulator() {
        return new Accumulator() {
            private final TreeMap<Long, List<float[]>> byIdentity = new TreeMap<>();

            @Override
            public void add(Batch batch, Predictions predictions) {
                float[][] rows = predictions.scores().orElseThrow(() -> new IllegalArgumentException(
                        score.plugin() + ": the learner's predictions carry no score rows; it must predict templates"
                                + " (slerpface-grouping with predictTemplates: true)"));
                long[] labels = batch.requireLabels().toType(DataType.INT64, false).toLongArray();
                for (int i = 0; i < rows.length; i++) {
                    byIdentity.computeIfAbsent(labels[i], k -> new ArrayList<>()).add(rows[i].clone());
                }
            }

            @Override
            public double result() {
                return score.of(evaluate(byIdentity));
            }
        };
    }

    /** The evaluation of the templates, computed once per templates and configuration. */
    ProtectorEvaluation.Row evaluate(TreeMap<Long, List<float[]>> byIdentity) {
        String key = key(byIdentity);
        synchronized (ROWS) {
            ProtectorEvaluation.Row cached = ROWS.get(key);
            if (cached != null) {
                return cached;
            }
        }
        ProtectorEvaluation.Row row = compute(byIdentity);
        synchronized (ROWS) {
            ROWS.put(key, row);
        }
        return row;
    }

    private ProtectorEvaluation.Row compute(TreeMap<Long, List<float[]>> byIdentity) {
        String where = score.plugin() + ": ";
        int identities = byIdentity.size();
        int tests = identities - config.attackerIdentities();
        if (tests < 2) {
            throw new IllegalArgumentException(where + "the evaluation data has " + identities + " identities; "
                    + "attackerIdentities " + config.attackerIdentities() + " leaves " + tests + " test identities, "
                    + "2 or more are needed");
        }
        int images = byIdentity.values().stream().mapToInt(List::size).min().orElse(0);
        int length = byIdentity.firstEntry().getValue().get(0).length;
        int d = config.groupSize();
        if (length % (d + 1) != 0) {
            throw new IllegalArgumentException(where + "a template has " + length + " values, not m*(d+1) for the "
                    + "configured groupSize d = " + d);
        }
        int m = length / (d + 1);
        GroupedTemplate[][] templates = new GroupedTemplate[identities][images];
        int i = 0;
        for (List<float[]> rows : byIdentity.values()) {
            for (int j = 0; j < images; j++) {
                templates[i][j] = grouped(rows.get(j), m, d, where);
            }
            i++;
        }
        TemplateSource source = (identity, image) -> templates[identity][image];
        ProtectorEvaluation evaluation = new ProtectorEvaluation(source, config.attackerIdentities(), tests, images,
                config.far(), config.ridgeLambda(), seed);
        SlerpFaceConfig slerp = SlerpFaceConfig.defaults().withShape(m, d);
        SchemeUnderTest scheme = switch (config.scheme()) {
            case "none" -> SchemeUnderTest.none();
            case "random-projection" -> SchemeUnderTest.randomProjection(new RandomProjectionConfig(m * d,
                    config.bits() > 0 ? config.bits() : m * d / 2, true));
            case "slerpface" -> SchemeUnderTest.slerpFace(slerp);
            default -> SchemeUnderTest.slerpFace(slerp.withDropRate(0));
        };
        return evaluation.run(scheme);
    }

    /** A template from the learner's flat row: m·d features, then m group weights normalised to sum 1. */
    private static GroupedTemplate grouped(float[] row, int m, int d, String where) {
        if (row.length != m * (d + 1)) {
            throw new IllegalArgumentException(where + "templates of different lengths (" + row.length + " and "
                    + m * (d + 1) + ")");
        }
        double[] features = new double[m * d];
        for (int j = 0; j < features.length; j++) {
            features[j] = row[j];
        }
        double[] weights = new double[m];
        double sum = 0;
        for (int g = 0; g < m; g++) {
            weights[g] = row[m * d + g];
            sum += weights[g];
        }
        for (int g = 0; g < m; g++) {
            weights[g] /= sum;
        }
        return new GroupedTemplate(features, weights, d);
    }

    private String key(TreeMap<Long, List<float[]>> byIdentity) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((config + "|" + seed).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            for (Map.Entry<Long, List<float[]>> e : byIdentity.entrySet()) {
                md.update(ByteBuffer.allocate(8).putLong(e.getKey()).array());
                for (float[] row : e.getValue()) {
                    ByteBuffer b = ByteBuffer.allocate(row.length * 4);
                    for (float v : row) {
                        b.putFloat(v);
                    }
                    md.update(b.array());
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
