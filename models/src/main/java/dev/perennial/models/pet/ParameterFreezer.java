package dev.perennial.models.pet;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.perennial.models.ParameterNames;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Freezes and unfreezes parameters by their torch-style names ({@link ParameterNames}), as PET methods do: SAFE's SSF
 * trains names containing {@code head.}, {@code ssf_scale}, {@code ssf_shift_} (safe.md §3.1); PEFT trains only
 * {@code lora_} tensors.
 */
public final class ParameterFreezer {
    private ParameterFreezer() {}

    /**
     * Makes trainable exactly the parameters whose name matches one of the patterns ({@code find} semantics, i.e. a
     * match anywhere in the name) and freezes every other one.
     *
     * @param root the model
     * @param trainablePatterns regular expressions, e.g. {@code "lora_"}, {@code "^head\\."}, {@code "ssf_(scale|shift)_"}
     * @return the names now trainable
     * @throws IllegalArgumentException if no parameter matches (the message lists a few names)
     */
    public static Set<String> trainOnlyMatching(Block root, String... trainablePatterns) {
        List<Pattern> patterns = new ArrayList<>();
        for (String p : trainablePatterns) {
            patterns.add(Pattern.compile(p));
        }
        Map<String, Parameter> params = ParameterNames.of(root);
        Set<String> trainable = new TreeSet<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            boolean train = patterns.stream().anyMatch(p -> p.matcher(e.getKey()).find());
            e.getValue().freeze(!train);
            if (train) {
                trainable.add(e.getKey());
            }
        }
        if (trainable.isEmpty()) {
            throw new IllegalArgumentException("no parameter name matches " + List.of(trainablePatterns)
                    + "; names look like " + params.keySet().stream().limit(8).toList());
        }
        return trainable;
    }

    /**
     * Makes trainable exactly the named parameters and freezes every other one.
     *
     * @param root the model
     * @param names torch-style names, e.g. {@link LoraLayers#parameterNames()}
     * @throws IllegalArgumentException naming any name the model does not have
     */
    public static void trainOnly(Block root, Collection<String> names) {
        Map<String, Parameter> params = ParameterNames.of(root);
        List<String> unknown = names.stream().filter(n -> !params.containsKey(n)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("the model has no parameters named " + unknown);
        }
        params.forEach((name, p) -> p.freeze(!names.contains(name)));
    }

    /**
     * Freezes the parameters whose name matches one of the patterns, leaving the others as they are.
     *
     * @param root the model
     * @param patterns regular expressions ({@code find} semantics)
     * @return the names frozen
     */
    public static Set<String> freezeMatching(Block root, String... patterns) {
        List<Pattern> compiled = new ArrayList<>();
        for (String p : patterns) {
            compiled.add(Pattern.compile(p));
        }
        Set<String> frozen = new TreeSet<>();
        ParameterNames.of(root).forEach((name, p) -> {
            if (compiled.stream().anyMatch(c -> c.matcher(name).find())) {
                p.freeze(true);
                frozen.add(name);
            }
        });
        return frozen;
    }

    /**
     * The names of the parameters that currently require gradients.
     *
     * @param root the model
     * @return trainable names
     */
    public static Set<String> trainableNames(Block root) {
        Set<String> out = new TreeSet<>();
        ParameterNames.of(root).forEach((name, p) -> {
            if (p.requiresGradient()) {
                out.add(name);
            }
        });
        return out;
    }
}
