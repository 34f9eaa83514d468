package dev.perennial.api.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.perennial.api.loop.Seeds;
import dev.perennial.spi.PluginContext;
import dev.perennial.spi.ScenarioInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The {@link PluginContext} the runtime lends one plugin. */
final class RunContext implements PluginContext {
    private final String name;
    private final NDManager manager;
    private final long seed;
    private final Path workDirectory;
    private final ScenarioInfo scenario;
    private final ParameterStore parameters;

    RunContext(String slot, String name, NDManager runManager, long runSeed, boolean pairedSeeds,
               Path runDirectory, ScenarioInfo scenario) {
        this(slot, name, runManager, runSeed, pairedSeeds, runDirectory, scenario, null);
    }

    RunContext(String slot, String name, NDManager runManager, long runSeed, boolean pairedSeeds,
               Path runDirectory, ScenarioInfo scenario, ParameterStore parameters) {
        this.parameters = parameters;
        this.name = name;
        this.manager = runManager.newSubManager();
        this.seed = Seeds.plugin(runSeed, slot, name, pairedSeeds);
        this.workDirectory = runDirectory.resolve("plugins").resolve(slot);
        this.scenario = scenario;
    }

    @Override
    public String pluginName() {
        return name;
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public Device device() {
        return manager.getDevice();
    }

    @Override
    public long seed() {
        return seed;
    }

    @Override
    public Path workDirectory() {
        try {
            Files.createDirectories(workDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create plugin folder " + workDirectory, e);
        }
        return workDirectory;
    }

    @Override
    public ParameterStore parameterStore() {
        return parameters != null ? parameters : new ParameterStore(manager, false);
    }

    @Override
    public Optional<ScenarioInfo> scenario() {
        return Optional.ofNullable(scenario);
    }
}
