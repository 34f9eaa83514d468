package dev.perennial.slerpface.security;

import dev.perennial.slerpface.GroupedTemplate;
import dev.perennial.slerpface.SlerpProtector;
import dev.perennial.slerpface.baseline.RandomProjection;
import dev.perennial.spi.Protector;
import dev.perennial.spi.Protector.ProtectedTemplate;
import dev.perennial.spi.Protector.TemplateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The security evaluation of one protector on templates of any {@link TemplateSource} (generated clusters, or a
 * trained recogniser's templates of face images): utility, unlinkability, inversion, revocation, with disjoint
 * attacker-training and test identities.
 *
 * <p>Protocol, per test identity i with images 0..M−1: image 0 is enrolled under a fresh key {@code k_i};
 * images 1..M−1 are genuine probes; image 1 of every other test identity is an impostor probe (scored under
 * {@code k_i}). Attacks: the key-known inverse of the scheme (the attacker stole the victim's key) and any number
 * of learned attackers ({@link InversionAttack}, e.g. {@link RidgeInverter#attack}), all fitted on the same pairs of
 * the attacker's identities. Each reconstruction is judged twice ({@link AttackOutcome}): by the UNPROTECTED
 * recogniser (cosine with the victim's raw image-1 features above the raw threshold at the same FAR, spec §7: the
 * identity was recovered), and as a probe to the protecting system (protected with the victim's key and matched
 * against the enrolled template, above the scheme's own TAR@FAR threshold: a replay that gets in).
 *
 * @param templates the template source
 * @param trainIdentities identities {@code 0..T−1}, only for the learned attackers' training pairs
 * @param testIdentities identities {@code T..T+N−1}
 * @param images images per identity, at least 3
 * @param far the FAR of TAR@FAR and of both thresholds
 * @param ridgeLambda the ridge attacker's penalty
 * @param seed the seed of the key draws
 */
public record ProtectorEvaluation(TemplateSource templates, int trainIdentities, int testIdentities, int images,
                                  double far, double ridgeLambda, long seed) {

    /** Histogram bins of the D↔sys estimate: few, because a few hundred pairs overfit finer histograms. */
    static final int UNLINKABILITY_BINS = 10;

    /** Validates the sizes. */
    public ProtectorEvaluation {
        if (trainIdentities < 1 || testIdentities < 2 || images < 3) {
            throw new IllegalArgumentException("evaluation: need trainIdentities >= 1, testIdentities >= 2 and"
                    + " images >= 3; got " + trainIdentities + ", " + testIdentities + ", " + images);
        }
        if ((long) testIdentities * (testIdentities - 1) < Math.ceil(1 / far)) {
            throw new IllegalArgumentException("evaluation: " + testIdentities + " test identities give "
                    + (long) testIdentities * (testIdentities - 1) + " impostor pairs, too few to resolve FAR "
                    + far + "; use more identities");
        }
    }

    /**
     * One row of the results table.
     *
     * @param scheme the scheme's name
     * @param accuracy 10-fold verification accuracy on a balanced pair list
     * @param tar TAR at {@link #far()} on all genuine / impostor scores
     * @param dSys unlinkability D↔sys of the same face under two keys (0 = unlinkable)
     * @param attacks the inversion attacks, the key-known inverse ({@value #KEY_KNOWN}) first, then the learned
     *     attacks in the order given
     * @param revokedAccept share of leaked (revoked) templates still accepted under the re-issued key
     * @param reenrolledTar share of genuine probes accepted by the re-enrolled templates
     */
    public record Row(String scheme, VerificationProtocol.Accuracy accuracy, VerificationProtocol.TarAtFar tar,
                      double dSys, List<AttackOutcome> attacks, double revokedAccept, double reenrolledTar) {

        /** Copies the list. */
        public Row {
            attacks = List.copyOf(attacks);
        }

        /**
         * The outcome of one attack.
         *
         * @param name the attack's name, e.g. {@value ProtectorEvaluation#KEY_KNOWN} or {@code ridge}
         * @return its outcome
         * @throws IllegalArgumentException naming the attacks that were run
         */
        public AttackOutcome attack(String name) {
            return attacks.stream().filter(a -> a.attack().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no attack '" + name + "' in this row; it has "
                            + attacks.stream().map(AttackOutcome::attack).toList()));
        }
    }

    /**
     * How one inversion attack fared against the test identities' leaked templates. Two acceptance criteria,
     * both at FAR {@link #far()}:
     *
     * @param attack the attack's name
     * @param acceptedByRawSystem share of reconstructions whose cosine with the victim's raw template of another
     *     image exceeds the UNPROTECTED recogniser's threshold: the identity was recovered (privacy leak; spec
     *     §1.9 "inversion success")
     * @param acceptedByProtectedSystem share of reconstructions that, presented as a probe to the protecting
     *     system (protected with the victim's key and matched against the victim's enrolled template, as every
     *     probe is), score above the scheme's own verification threshold: a replay that gets in
     * @param meanRawCosine mean cosine of the reconstruction with the victim's raw template of another image
     */
    public record AttackOutcome(String attack, double acceptedByRawSystem, double acceptedByProtectedSystem,
                                double meanRawCosine) {}

    /** The name of the key-compromise attack, always run first. */
    public static final String KEY_KNOWN = "key-known";

    /**
     * Runs the evaluation of one scheme with the key-known inverse and the ridge attacker
     * ({@link RidgeInverter#attack} with {@link #ridgeLambda()}).
     *
     * @param scheme the scheme
     * @return its row
     */
    public Row run(SchemeUnderTest scheme) {
        return run(scheme, List.of(RidgeInverter.attack(ridgeLambda)));
    }

    /**
     * Runs the evaluation of one scheme.
     *
     * @param scheme the scheme
     * @param learnedAttacks the learned attackers, each fitted on the same pairs of the attacker's identities
     *     (images {@code 0..M−2} of identities {@code 0..T−1}, each protected under its own key)
     * @return its row
     */
    public Row run(SchemeUnderTest scheme, List<InversionAttack> learnedAttacks) {
        Protector protector = scheme.protector();
        int first = trainIdentities;
        int n = testIdentities;
        double rawThreshold = rawThreshold();

        TemplateKey[] keys = new TemplateKey[n];
        ProtectedTemplate[] stored = new ProtectedTemplate[n];
        float[][] probes = new float[n][];
        for (int i = 0; i < n; i++) {
            keys[i] = protector.newKey(seed + 2L * i);
            stored[i] = protector.protect(scheme.input(templates.sample(first + i, 0)), keys[i]);
            probes[i] = scheme.input(templates.sample(first + i, 1));
        }

        List<Double> genuine = new ArrayList<>();
        List<Double> impostor = new ArrayList<>();
        List<Double> pairDistances = new ArrayList<>();
        List<Boolean> pairSame = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = 1; j < images; j++) {
                float[] probe = j == 1 ? probes[i] : scheme.input(templates.sample(first + i, j));
                double g = protector.similarity(stored[i], probe, keys[i]);
                genuine.add(g);
                pairDistances.add(SlerpProtector.distance(g));
                pairSame.add(true);
            }
            for (int l = 0; l < n; l++) {
                if (l == i) {
                    continue;
                }
                double s = protector.similarity(stored[i], probes[l], keys[i]);
                impostor.add(s);
                // the balanced pair list takes the impostors of the next M−1 identities
                int offset = Math.floorMod(l - i, n);
                if (offset >= 1 && offset < images) {
                    pairDistances.add(SlerpProtector.distance(s));
                    pairSame.add(false);
                }
            }
        }
        double[] genuineScores = toArray(genuine);
        double[] impostorScores = toArray(impostor);
        VerificationProtocol.TarAtFar tar = VerificationProtocol.tarAtFar(genuineScores, impostorScores, far);
        boolean[] same = new boolean[pairSame.size()];
        for (int p = 0; p < same.length; p++) {
            same[p] = pairSame.get(p);
        }
        VerificationProtocol.Accuracy accuracy = VerificationProtocol.tenFoldAccuracy(toArray(pairDistances), same);

        // unlinkability: second enrolments of images 1..M−1 in another application, each under another key;
        // mated = same identity, non-mated = the next identity's second enrolment of the same image index
        int perIdentity = images - 1;
        double[] mated = new double[n * perIdentity];
        double[] nonMated = new double[n * perIdentity];
        ProtectedTemplate[][] second = new ProtectedTemplate[n][perIdentity];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < perIdentity; j++) {
                float[] image = j == 0 ? probes[i] : scheme.input(templates.sample(first + i, j + 1));
                second[i][j] = protector.protect(image, protector.newKey(seed + 2L * i + 1 + 7_777_777L * j));
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < perIdentity; j++) {
                mated[i * perIdentity + j] = scheme.linkScore(stored[i], second[i][j]);
                nonMated[i * perIdentity + j] = scheme.linkScore(stored[i], second[(i + 1) % n][j]);
            }
        }
        double dSys = Unlinkability.dSys(mated, nonMated, UNLINKABILITY_BINS);

        // inversion with the stolen key
        int groupSize = templates.sample(first, 0).groupSize();
        List<AttackOutcome> outcomes = new ArrayList<>();
        outcomes.add(judge(KEY_KNOWN, scheme, stored, i -> scheme.keyKnownInverse(stored[i], keys[i], groupSize), keys,
                tar.threshold(), rawThreshold));

        // inversion learned from (protected, raw) pairs of the training identities, each under its own key
        List<InversionAttack.LeakedPair> pairs = new ArrayList<>();
        for (int t = 0; t < trainIdentities; t++) {
            for (int j = 0; j < images - 1; j++) {
                GroupedTemplate raw = templates.sample(t, j);
                TemplateKey key = protector.newKey(~(seed + 7919L * t + j));
                pairs.add(new InversionAttack.LeakedPair(t, j, protector.protect(scheme.input(raw), key), raw));
            }
        }
        for (InversionAttack attack : learnedAttacks) {
            InversionAttack.Inverter inverter = attack.fit(List.copyOf(pairs));
            outcomes.add(judge(attack.name(), scheme, stored, i -> inverter.invert(stored[i]), keys, tar.threshold(),
                    rawThreshold));
        }

        // revocation: re-enrol a fresh capture (image 2) under a new key; replay the leaked template under it
        int leakedAccepted = 0;
        int reenrolledAccepted = 0;
        for (int i = 0; i < n; i++) {
            TemplateKey reissued = protector.newKey(seed + 1_000_003L + i);
            ProtectedTemplate reenrolled = protector.protect(scheme.input(templates.sample(first + i, 2)), reissued);
            leakedAccepted += protector.similarity(stored[i], probes[i], reissued) > tar.threshold() ? 1 : 0;
            reenrolledAccepted += protector.similarity(reenrolled, probes[i], reissued) > tar.threshold() ? 1 : 0;
        }
        return new Row(scheme.name(), accuracy, tar, dSys, outcomes, leakedAccepted / (double) n,
                reenrolledAccepted / (double) n);
    }

    /**
     * Judges one attack on every test identity's leaked template: by the raw recogniser (cosine with the victim's
     * image-1 template above {@code rawThreshold}) and as a probe to the protecting system (above
     * {@code protectedThreshold} against the victim's enrolled template under its key).
     */
    private AttackOutcome judge(String name, SchemeUnderTest scheme, ProtectedTemplate[] stored,
                                IntFunction<GroupedTemplate> reconstruct, TemplateKey[] keys, double protectedThreshold,
                                double rawThreshold) {
        int n = stored.length;
        int raw = 0;
        int replayed = 0;
        double cosines = 0;
        for (int i = 0; i < n; i++) {
            GroupedTemplate reconstruction = reconstruct.apply(i);
            double c = cosine(reconstruction.features(), templates.sample(trainIdentities + i, 1).features());
            cosines += c;
            raw += c > rawThreshold ? 1 : 0;
            double score = scheme.protector().similarity(stored[i], scheme.input(reconstruction), keys[i]);
            replayed += score > protectedThreshold ? 1 : 0;
        }
        return new AttackOutcome(name, raw / (double) n, replayed / (double) n, cosines / n);
    }

    /** The unprotected recogniser's cosine threshold at {@link #far()} on the test identities' impostors. */
    private double rawThreshold() {
        double[] scores = new double[testIdentities * (testIdentities - 1)];
        int s = 0;
        for (int i = 0; i < testIdentities; i++) {
            double[] gallery = templates.sample(trainIdentities + i, 0).features();
            for (int l = 0; l < testIdentities; l++) {
                if (l != i) {
                    scores[s++] = cosine(gallery, templates.sample(trainIdentities + l, 1).features());
                }
            }
        }
        return VerificationProtocol.thresholdAtFar(scores, far);
    }

    private static double cosine(double[] a, double[] b) {
        return RandomProjection.cosine(toFloat(a), toFloat(b));
    }

    private static float[] toFloat(double[] v) {
        float[] out = new float[v.length];
        for (int j = 0; j < v.length; j++) {
            out[j] = (float) v[j];
        }
        return out;
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
