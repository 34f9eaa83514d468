package dev.perennial.benchmarks.perf;

import dev.perennial.spi.AbstractPluginProvider;
import dev.perennial.spi.Augmenter;
import dev.perennial.spi.AugmenterProvider;
import dev.perennial.spi.Batch;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.PluginName;
import dev.perennial.spi.SpiVersion;
import dev.perennial.spi.StepContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registers {@code step-benchmark-partner}, the instrument that alternates the loop-overhead benchmark's two
 * in-process sides step by step: as the first augmenter of each training step of the shared loop it runs one bare-DJL
 * step on the same batch index and returns the batch unchanged. It runs there, at the start of the loop's step,
 * because by then the previous step's arrays are freed, so each side starts its step from the same memory state
 * (a step-event listener would run while the loop's step scope still holds its arrays). The wall time of each call is
 * recorded so the benchmark can take it out of the loop's step time.
 */
@PluginName("step-benchmark-partner")
public final class StepPartner extends AbstractPluginProvider<StepPartnerConfig, Augmenter>
        implements AugmenterProvider<StepPartnerConfig> {
    /** Creates the provider. */
    public StepPartner() {
        super(SpiVersion.CURRENT, "0.1.0", StepPartnerConfig.class, () -> new StepPartnerConfig("unset"),
                "Benchmark instrument: runs one registered bare-DJL step at the start of each loop step.");
    }

    private static final Map<String, Registration> PARTNERS = new ConcurrentHashMap<>();

    /**
     * A registered partner and the times of its steps.
     *
     * @param bare the bare-DJL side
     * @param bareSeconds each bare step's own time
     * @param callSeconds the wall time of each call, as the loop saw it
     */
    record Registration(BareDjlSteps bare, List<Double> bareSeconds, List<Double> callSeconds) {}

    /**
     * Registers a partner for one run.
     *
     * @param key a unique key, passed to the augmenter's config
     * @param bare the bare-DJL side
     * @return the registration, whose lists fill as the run goes
     */
    static Registration register(String key, BareDjlSteps bare) {
        Registration r = new Registration(bare, new ArrayList<>(), new ArrayList<>());
        if (PARTNERS.putIfAbsent(key, r) != null) {
            throw new IllegalStateException("a step partner is already registered under " + key);
        }
        return r;
    }

    /**
     * Forgets a partner.
     *
     * @param key its key
     */
    static void unregister(String key) {
        PARTNERS.remove(key);
    }

    @Override
    public Augmenter create(StepPartnerConfig config, PluginContext context) {
        Registration r = PARTNERS.get(config.key());
        if (r == null) {
            throw new IllegalArgumentException("step-benchmark-partner: no partner registered under '" + config.key()
                    + "'; only the loop-overhead benchmark (SharedLoopSteps) registers partners");
        }
        return new Augmenter() {
            @Override
            public Batch apply(Batch batch, StepContext step) {
                if (step.training()) {
                    long start = System.nanoTime();
                    r.bareSeconds().add(r.bare().step(r.bareSeconds().size()));
                    r.callSeconds().add((System.nanoTime() - start) / 1e9);
                }
                return batch;
            }
        };
    }
}
