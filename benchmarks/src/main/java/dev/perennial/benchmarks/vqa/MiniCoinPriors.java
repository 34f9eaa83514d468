package dev.perennial.benchmarks.vqa;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.perennial.api.config.ExperimentFiles;
import dev.perennial.continual.vqa.AnswerScorer;
import dev.perennial.continual.vqa.MiniCoin;
import dev.perennial.continual.vqa.MiniCoinConfig;
import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The answer prior of every Mini-CoIN task (issue #23): the best score a model that ignores the image could get
 * by always giving one answer, i.e. the best constant answer among every answer of the task's training split,
 * scored with the task's CoIN scorer over its test split; with the number of distinct answers and the share of the
 * task's score one test example is; and the question-aware prior, the best constant answer per question template
 * (the question with its shape and colour words masked: e.g. spatial's "left or right" questions alone give 0.5),
 * chosen on the training split and scored on the test split. Data sizes and seed are the sample's
 * ({@code --sample}).
 *
 * <pre>
 * bin/benchmark vqa.MiniCoinPriors [--sample samples/.../continual-vqa.yaml] [--out target/benchmarks/mini-coin-priors.json]
 * </pre>
 */
public final class MiniCoinPriors {
    private MiniCoinPriors() {}

    /**
     * Prints the table and writes the JSON.
     *
     * @param args {@code --sample FILE}, {@code --out FILE}
     * @throws IOException when the JSON cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path sample = ContinualVqaExperiments.SAMPLE;
        Path out = Path.of("target/benchmarks/mini-coin-priors.json");
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length || !(args[i].equals("--sample") || args[i].equals("--out"))) {
                throw new IllegalArgumentException("arguments: [--sample FILE] [--out FILE]; got '" + args[i] + "'");
            }
            if (args[i].equals("--sample")) {
                sample = Path.of(args[i + 1]);
            } else {
                out = Path.of(args[i + 1]);
            }
        }
        var experiment = ExperimentFiles.read(sample);
        if (!experiment.dataset().name().equals("mini-coin")) {
            throw new IllegalArgumentException(sample + ": dataset must be mini-coin, was "
                    + experiment.dataset().name());
        }
        MiniCoinConfig c = new ObjectMapper().treeToValue(experiment.dataset().config(), MiniCoinConfig.class);
        MiniCoinConfig tasksOnly = new MiniCoinConfig(c.seed(), c.imageSize(), c.trainPerTask(), c.testPerTask(),
                c.tasks(), false, c.basePerTask());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "mini-coin answer priors");
        json.put("sample", sample.toString());
        json.put("dataset", experiment.dataset().config());
        List<Map<String, Object>> rows = new ArrayList<>();
        System.out.println("| task | scorer | distinct answers (train) | best constant answer | prior |"
                + " question-aware prior | one test example |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (String task : tasksOnly.tasks()) {
            MiniCoin data = new MiniCoin(new MiniCoinConfig(c.seed(), c.imageSize(), c.trainPerTask(),
                    c.testPerTask(), List.of(task), false, c.basePerTask()));
            Set<String> candidates = new LinkedHashSet<>();
            DatasetSplit train = data.train();
            for (int i = 0; i < train.size(); i++) {
                candidates.add(train.get(i).texts().get("answer"));
            }
            DatasetSplit test = data.test();
            List<Example> examples = new ArrayList<>();
            for (int i = 0; i < test.size(); i++) {
                examples.add(test.get(i));
            }
            AnswerScorer scorer = AnswerScorer.byId(examples.get(0).texts().get("scorer"), task);
            String best = null;
            double bestScore = -1;
            for (String answer : candidates) {
                double sum = 0;
                for (Example e : examples) {
                    sum += scorer.score(answer, e.texts().get("answer"));
                }
                if (sum / examples.size() > bestScore) {
                    bestScore = sum / examples.size();
                    best = answer;
                }
            }
            double questionAware = questionAwarePrior(train, examples, scorer, candidates);
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %s | %.3f | %.3f | %.3f |%n", task, scorer.id(),
                    candidates.size(), best, bestScore, questionAware, 1.0 / examples.size());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("task", task);
            row.put("scorer", scorer.id());
            row.put("distinctTrainAnswers", candidates.size());
            row.put("bestConstantAnswer", best);
            row.put("prior", bestScore);
            row.put("questionAwarePrior", questionAware);
            row.put("testExamples", examples.size());
            rows.add(row);
        }
        json.put("tasks", rows);
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
        System.out.println("wrote " + out);
    }

    private static final java.util.regex.Pattern MASKED =
            java.util.regex.Pattern.compile("\\b(circle|square|triangle|cross|red|green|blue|yellow|purple)\\b");

    private static String template(Example e) {
        return MASKED.matcher(e.texts().get("question")).replaceAll("_");
    }

    /** Per question template, the constant answer with the best training-split score, scored on the test split. */
    private static double questionAwarePrior(DatasetSplit train, List<Example> test, AnswerScorer scorer,
                                             Set<String> candidates) {
        Map<String, List<String>> references = new LinkedHashMap<>();
        for (int i = 0; i < train.size(); i++) {
            Example e = train.get(i);
            references.computeIfAbsent(template(e), k -> new ArrayList<>()).add(e.texts().get("answer"));
        }
        Map<String, String> chosen = new LinkedHashMap<>();
        references.forEach((t, refs) -> {
            String best = null;
            double bestSum = -1;
            for (String answer : candidates) {
                double sum = 0;
                for (String r : refs) {
                    sum += scorer.score(answer, r);
                }
                if (sum > bestSum) {
                    bestSum = sum;
                    best = answer;
                }
            }
            chosen.put(t, best);
        });
        double sum = 0;
        for (Example e : test) {
            String answer = chosen.get(template(e));
            sum += answer == null ? 0 : scorer.score(answer, e.texts().get("answer"));
        }
        return sum / test.size();
    }
}
