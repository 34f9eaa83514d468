package dev.perennial.slerpface.security;

import dev.perennial.slerpface.DropoutMode;
import dev.perennial.slerpface.SlerpFaceConfig;
import dev.perennial.slerpface.baseline.RandomProjectionConfig;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark program: prints the side-by-side table of {@code none}, {@code random-projection} and
 * {@code slerpface} (official-code defaults, plus the exact-k dropout deviation and the no-dropout ablation) on
 * generated identity clusters ({@link SyntheticTemplates}).
 *
 * <p>Arguments (all optional, {@code name=value}): {@code train=100 test=60 images=4 noise=0.3
 * weightSpread=1.0 bits=392 seed=1}.
 */
public final class SecurityEvaluation {

    private SecurityEvaluation() {}

    /**
     * Runs the evaluation and prints a Markdown table.
     *
     * @param args {@code name=value} settings
     */
    public static void main(String[] args) {
        int train = 100;
        int test = 60;
        int images = 4;
        double noise = 0.3;
        double weightSpread = 1.0;
        int bits = 392;
        long seed = 1;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("argument '" + arg + "' is not name=value; accepted names: train,"
                        + " test, images, noise, weightSpread, bits, seed");
            }
            switch (kv[0]) {
                case "train" -> train = Integer.parseInt(kv[1]);
                case "test" -> test = Integer.parseInt(kv[1]);
                case "images" -> images = Integer.parseInt(kv[1]);
                case "noise" -> noise = Double.parseDouble(kv[1]);
                case "weightSpread" -> weightSpread = Double.parseDouble(kv[1]);
                case "bits" -> bits = Integer.parseInt(kv[1]);
                case "seed" -> seed = Long.parseLong(kv[1]);
                default -> throw new IllegalArgumentException("unknown argument '" + kv[0] + "'; accepted: train,"
                        + " test, images, noise, weightSpread, bits, seed");
            }
        }
        SlerpFaceConfig defaults = SlerpFaceConfig.defaults();
        SyntheticTemplates data = new SyntheticTemplates(defaults.groups(), defaults.groupSize(), noise, weightSpread,
                0.1, seed);
        ProtectorEvaluation evaluation = new ProtectorEvaluation(data, train, test, images, 1e-3, 1.0, seed);
        List<SchemeUnderTest> schemes = List.of(
                SchemeUnderTest.none(),
                SchemeUnderTest.randomProjection(new RandomProjectionConfig(defaults.featureLength(), bits, true)),
                SchemeUnderTest.slerpFace(defaults),
                SchemeUnderTest.slerpFace(defaults.withDropoutMode(DropoutMode.EXACT_K)),
                SchemeUnderTest.slerpFace(defaults.withDropRate(0)));
        System.out.printf(Locale.ROOT, "synthetic clusters: %d groups x %d, noise %.2f, weight spread %.2f; "
                + "%d attacker-training and %d test identities, %d images each; FAR 1e-3%n%n",
                defaults.groups(), defaults.groupSize(), noise, weightSpread, train, test, images);
        System.out.println("| scheme | 10-fold acc | TAR@FAR=1e-3 | D<->sys | key-known inversion | ridge inversion"
                + " | leaked after revocation | re-enrolled TAR |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (SchemeUnderTest scheme : schemes) {
            ProtectorEvaluation.Row row = evaluation.run(scheme);
            System.out.printf(Locale.ROOT, "| %s | %.4f ± %.4f | %.4f | %.3f | %.3f | %.3f | %.3f | %.3f |%n",
                    row.scheme(), row.accuracy().mean(), row.accuracy().std(), row.tar().tar(), row.dSys(),
                    row.attack(ProtectorEvaluation.KEY_KNOWN).acceptedByRawSystem(),
                    row.attack("ridge").acceptedByRawSystem(), row.revokedAccept(), row.reenrolledTar());
        }
    }
}
