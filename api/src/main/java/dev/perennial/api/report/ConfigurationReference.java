package dev.perennial.api.report;

import dev.perennial.api.config.ExperimentConfig;
import dev.perennial.api.config.ExperimentFiles;
import dev.perennial.api.config.PluginRef;
import dev.perennial.api.config.TrainingConfig;
import dev.perennial.api.registry.PluginDescriptor;
import dev.perennial.api.registry.PluginRegistry;
import dev.perennial.spi.Capability;
import dev.perennial.spi.PluginKind;
import dev.perennial.spi.PluginProvider;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The configuration reference ({@code docs/configuration.md}) generated from the configuration records: for the
 * experiment, for {@code training}, and for every plugin a registry holds, each field's name, type, default and
 * {@link dev.perennial.spi.ConfigDoc}. Because it is generated, it cannot drift from the code; a test compares the
 * committed file with {@link #markdown} and fails while it is stale.
 *
 * <p>The output depends only on the code: plugin sources are named by module (never by a path on this machine),
 * and the one machine-dependent default ({@code training.dataWorkers}) is written as its rule.
 */
public final class ConfigurationReference {

    /** The experiment fields its constructor requires: the reference says "required" instead of a default. */
    private static final Set<String> REQUIRED_EXPERIMENT_FIELDS = Set.of("name", "dataset", "scenario", "learner");

    /**
     * Defaults that {@link TrainingConfig#defaults()} computes from the machine, written as the rule (so the
     * reference is the same on every machine).
     */
    public static final Map<String, String> MACHINE_DEPENDENT_TRAINING_DEFAULTS =
            Map.of("dataWorkers", "CPU cores − 1, at least 1");

    private ConfigurationReference() {}

    /**
     * The whole reference as Markdown.
     *
     * @param registry the plugins to document (every kind, every name, sorted)
     * @param regenerate the command that regenerates the file, quoted in its header
     * @return the Markdown text, with {@code \n} line ends
     * @throws dev.perennial.api.registry.PluginException when a plugin cannot be described
     */
    public static String markdown(PluginRegistry registry, String regenerate) {
        StringBuilder md = new StringBuilder(16_384);
        md.append("# Configuration reference\n\n")
                .append("<!-- Generated from the configuration records by dev.perennial.api.report.ConfigurationReference;"
                        + " do not edit by hand. -->\n\n")
                .append("Generated from the configuration records of the code; do not edit by hand. Regenerate with\n\n")
                .append("```\n").append(regenerate).append("\n```\n\n")
                .append("An experiment is a YAML or JSON file. Every field is optional unless it says *required*: a"
                        + " field left out takes the default shown here. An unknown field, or a value of the wrong"
                        + " type, is an error that names the file, the field and the accepted fields. A plugin is"
                        + " named by its bare name (`learner: finetune`) or with configuration"
                        + " (`learner: {name: finetune, config: {...}}`); the fields of its `config` are listed"
                        + " under the plugin below. Fields with a dot (`a.b`) are fields of a nested object. A file"
                        + " is at most 1 MiB, and a key given twice in the same mapping is an error naming the key"
                        + " and its line.\n\n");
        md.append("## Contents\n\n- [Experiment](#experiment)\n- [Training](#training)\n");
        for (PluginKind kind : PluginKind.values()) {
            if (registry.names(kind).isEmpty()) {
                continue;
            }
            md.append("- ").append(plural(kind)).append(": ").append(registry.names(kind).stream()
                    .map(n -> "[" + n + "](#" + anchor(kind, n) + ")").collect(Collectors.joining(", ")))
                    .append('\n');
        }
        md.append('\n');
        experiment(md);
        training(md);
        for (PluginKind kind : PluginKind.values()) {
            if (registry.names(kind).isEmpty()) {
                continue;
            }
            md.append("## ").append(plural(kind)).append("\n\n");
            for (String name : registry.names(kind)) {
                plugin(md, registry.describe(kind, name), registry.provider(kind, name));
            }
        }
        return md.toString();
    }

    private static void experiment(StringBuilder md) {
        ExperimentConfig defaults = ExperimentFiles.parse(
                "name: reference\ndataset: d\nscenario: s\nlearner: l\n", "configuration-reference.yaml");
        md.append("<a id=\"experiment\"></a>\n## Experiment\n\nThe top level of an experiment file.\n\n");
        table(md, ConfigField.of(ExperimentConfig.class, defaults, Set.of(TrainingConfig.class, PluginRef.class)),
                Map.of(), REQUIRED_EXPERIMENT_FIELDS, Map.of("training", "see [Training](#training)"));
    }

    private static void training(StringBuilder md) {
        md.append("<a id=\"training\"></a>\n## Training\n\nThe `training:` section: how the shared loop trains.\n\n");
        table(md, ConfigField.of(TrainingConfig.class, TrainingConfig.defaults(), Set.of()),
                MACHINE_DEPENDENT_TRAINING_DEFAULTS, Set.of(), Map.of());
    }

    private static void plugin(StringBuilder md, PluginDescriptor d, PluginProvider<?, ?> provider) {
        md.append("<a id=\"").append(anchor(d.kind(), d.name())).append("\"></a>\n### `").append(d.name())
                .append("` (").append(d.kind().label()).append(")\n\n");
        if (!d.description().isBlank()) {
            md.append(cell(d.description())).append("\n\n");
        }
        md.append("Version ").append(d.version()).append(", SPI ").append(d.spiVersion()).append(", ")
                .append(d.source().builtIn() ? "built in" : "plugin").append(" (module `").append(d.source().module())
                .append("`)");
        if (!d.capabilities().isEmpty()) {
            md.append("; capabilities: ").append(d.capabilities().stream().map(Capability::id).sorted()
                    .map(c -> "`" + c + "`").collect(Collectors.joining(", ")));
        }
        String record = d.configType().getName().substring(d.configType().getPackageName().length() + 1)
                .replace('$', '.');
        md.append(". Configuration record `").append(record).append("`.\n\n");
        List<ConfigField> fields = ConfigField.of(d.configType(), provider.defaultConfig(), Set.of());
        if (fields.isEmpty()) {
            md.append("No configuration fields.\n\n");
        } else {
            table(md, fields, Map.of(), Set.of(), Map.of());
        }
    }

    private static void table(StringBuilder md, List<ConfigField> fields, Map<String, String> ruleDefaults,
                              Set<String> required, Map<String, String> overrides) {
        md.append("| field | type | default | description |\n|---|---|---|---|\n");
        for (ConfigField f : fields) {
            String value;
            if (required.contains(f.name())) {
                value = "*required*";
            } else if (overrides.containsKey(f.name())) {
                value = overrides.get(f.name());
            } else if (ruleDefaults.containsKey(f.name())) {
                value = ruleDefaults.get(f.name());
            } else {
                value = f.defaultText().map(t -> "`" + t + "`").orElse("none");
            }
            md.append("| `").append(f.name()).append("` | `").append(f.type().replace("|", "\\|")).append("` | ")
                    .append(cell(value)).append(" | ").append(cell(f.doc().orElse("(undocumented)"))).append(" |\n");
        }
        md.append('\n');
    }

    private static String plural(PluginKind kind) {
        String label = kind.label();
        return Character.toUpperCase(label.charAt(0)) + label.substring(1) + "s";
    }

    private static String anchor(PluginKind kind, String name) {
        return kind.label() + "-" + name;
    }

    /** Text safe in one Markdown table cell: one line, pipes escaped. */
    private static String cell(String text) {
        return text.replace("\r", "").replace("\n", " ").replace("|", "\\|").replace("<", "&lt;");
    }
}
