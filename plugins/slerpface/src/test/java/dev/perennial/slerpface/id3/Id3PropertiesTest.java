package dev.perennial.slerpface.id3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.perennial.models.diffusion.DdimSampler;
import dev.perennial.models.diffusion.NoiseSchedule;
import dev.perennial.models.nn.Owned;
import dev.perennial.models.nn.Scalars;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The unit-testable properties I1–I6 of spec deepfake.md E.5. */
class Id3PropertiesTest {
    private static final NoiseSchedule SCHEDULE = new NoiseSchedule(100, 1e-3, 0.2, NoiseSchedule.BetaSchedule.LINEAR);

    private NDManager m;

    @BeforeEach
    void open() {
        m = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        m.close();
    }

    /** I1: with ε̂ = ε the one-step reconstruction returns x₀ (up to float rounding), at every timestep. */
    @Test
    void oneStepReconstructionWithTheTrueNoiseIsX0() {
        int[] t = {0, 10, 50, 80, 99};
        NDArray x0 = Owned.floats(m, gaussians(5 * 3 * 4 * 4, 1), new Shape(5, 3, 4, 4)).clip(-1f, 1f);
        NDArray eps = Owned.floats(m, gaussians(5 * 3 * 4 * 4, 2), new Shape(5, 3, 4, 4));
        NDArray xt = SCHEDULE.addNoise(x0, eps, t);
        NDArray back = IdPreservingLoss.reconstruct(xt, eps, SCHEDULE, t);
        float err = back.sub(x0).abs().max().getFloat();
        // at t = 99, 1/√ᾱ ≈ 150 multiplies the float rounding of x_t
        assertTrue(err < 5e-4f, "max |x̂0 - x0| = " + err);
        NDArray wrong = IdPreservingLoss.reconstruct(xt, eps.zerosLike(), SCHEDULE, t);
        assertTrue(wrong.sub(x0).abs().max().getFloat() > 0.1f, "the reconstruction depends on ε̂");
    }

    /** I2: κ⟨y, e⟩ lies in [−κ, κ] for unit vectors and is largest (= κ) at e = y. */
    @Test
    void innerProductTermIsBoundedAndMaximalAtTheIdentity() {
        float kappa = 16f;
        NDArray y = Owned.floats(m, gaussians(64 * 8, 3), new Shape(64, 8)).normalize(2, 1);
        NDArray e = Owned.floats(m, gaussians(64 * 8, 4), new Shape(64, 8)).normalize(2, 1);
        float[] terms = IdPreservingLoss.innerProductTerm(y, e, kappa).toFloatArray();
        float[] atY = IdPreservingLoss.innerProductTerm(y, y, kappa).toFloatArray();
        float[] opposite = IdPreservingLoss.innerProductTerm(y, y.neg(), kappa).toFloatArray();
        for (int i = 0; i < terms.length; i++) {
            assertTrue(terms[i] >= -kappa - 1e-4 && terms[i] <= kappa + 1e-4, "term " + terms[i]);
            assertEquals(kappa, atY[i], 1e-4);
            assertEquals(-kappa, opposite[i], 1e-4);
            assertTrue(terms[i] < atY[i], "e = y maximises the term");
        }
    }

    /** I3: λ = 0 is the plain DDIM sampler, bit for bit (η = 0; η = 1 with the same engine seed; with CFG). */
    @Test
    void zeroGuidanceIsThePlainSamplerBitForBit() {
        DenoiserConfig shape = new DenoiserConfig(8, List.of(8, 16), 2, 8, 2, 6, 3, 100, 1e-3, 0.2);
        Engine.getInstance().setRandomSeed(5);
        IdentityConditionedDenoiser d = IdentityConditionedDenoiser.create(shape, m);
        NDArray y = Owned.floats(m, gaussians(4 * 6, 5), new Shape(4, 6)).normalize(2, 1);
        NDArray a = Owned.floats(m, gaussians(4 * 3, 6), new Shape(4, 3));
        NDArray xT = Owned.floats(m, gaussians(4 * 3 * 8 * 8, 7), new Shape(4, 3, 8, 8));
        ParameterStore ps = new ParameterStore(m, false);
        NDArray context = d.context(ps, y, a, false);
        NDArray nullContext = d.context(ps, y.zerosLike(), a.zerosLike(), false);
        for (float eta : new float[] {0f, 1f}) {
            for (float cfg : new float[] {1f, 2f}) {
                IdGuidedSampler guided = new IdGuidedSampler(10, eta, 0f, cfg, true);
                Engine.getInstance().setRandomSeed(11);
                float[] ours = guided.sample(d, null, xT, y, a).toFloatArray();
                Engine.getInstance().setRandomSeed(11);
                float[] plain = guided.ddim(SCHEDULE).sample(ps, d.unet(), xT, context, cfg == 1f ? null : nullContext,
                        cfg).toFloatArray();
                assertArrayEquals(plain, ours, "eta " + eta + ", cfg " + cfg);
            }
        }
    }

    /** I4: anchors are unit vectors with pairwise cosine ≤ the threshold, the same for a seed, and refused when N is too large. */
    @Test
    void anchorsAreUnitSeparatedAndDeterministic() {
        AnchorSampler sampler = new AnchorSampler(16, 0.3, 100_000);
        float[][] a = sampler.sample(40, 9);
        float[][] again = sampler.sample(40, 9);
        float[][] other = sampler.sample(40, 10);
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], again[i]);
            assertEquals(1.0, dot(a[i], a[i]), 1e-5);
            for (int j = 0; j < i; j++) {
                assertTrue(dot(a[i], a[j]) <= 0.3 + 1e-6, "cos(a" + i + ", a" + j + ") = " + dot(a[i], a[j]));
            }
        }
        assertFalse(Arrays.equals(a[0], other[0]), "another seed, other anchors");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AnchorSampler(2, 0.0, 10_000).sample(5, 1));
        assertTrue(e.getMessage().contains("only 4 of 5") || e.getMessage().contains("of 5 identities fit"),
                e.getMessage());
    }

    /** I5: the guidance gradient ∇_{x_t}⟨y, f̄(x̂₀(x_t))⟩ matches central finite differences (toy ε_θ and f). */
    @Test
    void guidanceGradientMatchesFiniteDifferences() {
        NDArray w = Owned.floats(m, gaussians(16, 12), new Shape(4, 4)).mul(0.3f);
        NDArray proj = Owned.floats(m, gaussians(12, 13), new Shape(4, 3));
        Denoiser toy = new Denoiser() {
            @Override
            public NDArray epsilon(NDArray xt, int[] timesteps, NDArray identity, NDArray attributes, boolean tr) {
                return xt.matMul(w).tanh();
            }

            @Override
            public NoiseSchedule schedule() {
                return SCHEDULE;
            }
        };
        IdentityEmbedder f = new IdentityEmbedder() {
            @Override
            public NDArray embed(NDArray samples) {
                return samples.matMul(proj).normalize(2, 1, 1e-12);
            }

            @Override
            public int dimension() {
                return 3;
            }
        };
        IdGuidedSampler sampler = new IdGuidedSampler(10, 0f, 1f, 1f, false);
        NDArray y = Owned.floats(m, new float[] {0.6f, 0.8f, 0f, 0f, 0.6f, 0.8f}, new Shape(2, 3));
        float[] x = gaussians(8, 14);
        int t = 40;
        float[] grad = sampler.guided(toy, f, Owned.floats(m, x, new Shape(2, 4)), t, y, null).gradient()
                .toFloatArray();
        float h = 1e-2f;
        for (int i = 0; i < x.length; i++) {
            float[] plus = x.clone();
            float[] minus = x.clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (objective(toy, f, plus, y, t) - objective(toy, f, minus, y, t)) / (2 * h);
            assertEquals(numeric, grad[i], 2e-2 * Math.max(1, Math.abs(numeric)), "coordinate " + i);
        }
    }

    private double objective(Denoiser toy, IdentityEmbedder f, float[] x, NDArray y, int t) {
        NDArray xt = Owned.floats(m, x, new Shape(2, 4));
        int[] ts = {t, t};
        NDArray x0 = IdPreservingLoss.reconstruct(xt, toy.epsilon(xt, ts, y, null, false), SCHEDULE, ts);
        return y.mul(f.embed(x0)).sum().getFloat();
    }

    /**
     * I6: data are four clusters on the unit circle, ε_θ the exact noise predictor of that mixture, f = x/‖x‖ and
     * y the first cluster's direction: guided samples have a higher mean ⟨y, f̄(x)⟩ than unguided ones.
     */
    @Test
    void guidedSamplesOnTheCircleFollowTheIdentity() {
        float sigma = 0.05f;
        NDArray centres = Owned.floats(m, new float[] {1, 0, 0, 1, -1, 0, 0, -1}, new Shape(4, 2));
        Denoiser exact = new Denoiser() {
            @Override
            public NDArray epsilon(NDArray xt, int[] timesteps, NDArray identity, NDArray attributes, boolean tr) {
                double ab = SCHEDULE.alphaCumprod(timesteps[0]);
                float v = (float) (ab * sigma * sigma + 1 - ab);
                NDArray diff = xt.expandDims(1).sub(Scalars.mul(centres, (float) Math.sqrt(ab)).expandDims(0));
                NDArray weights = Scalars.div(diff.square().sum(new int[] {2}), -2 * v).softmax(1);
                NDArray score = Scalars.div(diff.mul(weights.expandDims(2)).sum(new int[] {1}), -v);
                return Scalars.mul(score, (float) -Math.sqrt(1 - ab));
            }

            @Override
            public NoiseSchedule schedule() {
                return SCHEDULE;
            }
        };
        IdentityEmbedder normalise = new IdentityEmbedder() {
            @Override
            public NDArray embed(NDArray samples) {
                return samples.normalize(2, 1, 1e-12);
            }

            @Override
            public int dimension() {
                return 2;
            }
        };
        int n = 256;
        float[] ys = new float[2 * n];
        for (int i = 0; i < n; i++) {
            ys[2 * i] = 1f;
        }
        NDArray y = Owned.floats(m, ys, new Shape(n, 2));
        NDArray xT = Owned.floats(m, gaussians(2 * n, 15), new Shape(n, 2));
        float plain = meanInner(new IdGuidedSampler(50, 0f, 0f, 1f, false).sample(exact, normalise, xT, y, null), y);
        float guided = meanInner(new IdGuidedSampler(50, 0f, 2f, 1f, false).sample(exact, normalise, xT, y, null), y);
        System.out.printf("Id3PropertiesTest I6: mean <y, x/|x|> unguided %.3f, guided %.3f%n", plain, guided);
        assertTrue(Math.abs(plain) < 0.25f, "unguided samples spread over the four clusters: " + plain);
        assertTrue(guided > plain + 0.3f, "guided " + guided + " vs unguided " + plain);
    }

    private static float meanInner(NDArray x, NDArray y) {
        return x.normalize(2, 1, 1e-12).mul(y).sum(new int[] {1}).mean().getFloat();
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static float[] gaussians(int n, long seed) {
        Random r = new Random(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) r.nextGaussian();
        }
        return out;
    }
}
