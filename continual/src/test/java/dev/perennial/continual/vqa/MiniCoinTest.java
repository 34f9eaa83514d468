package dev.perennial.continual.vqa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perennial.spi.Example;
import dev.perennial.spi.Feature;
import dev.perennial.spi.Scenario;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** Mini-CoIN: deterministic, every word in the vocabulary, the reference answers score 1 with their scorer. */
class MiniCoinTest {
    private static final MiniCoinConfig SMALL = new MiniCoinConfig(3, 32, 20, 6, List.of(), true, 2);

    @Test
    void sameSeedSameExamplesAndTheReferenceScoresOne() {
        MiniCoin a = new MiniCoin(SMALL);
        MiniCoin b = new MiniCoin(SMALL);
        Set<String> vocabulary = new HashSet<>(MiniCoin.vocabulary());
        Pattern word = Pattern.compile("\\w+|[^\\w\\s]+");
        Set<String> answers = new HashSet<>();
        for (int i = 0; i < a.train().size(); i++) {
            Example x = a.train().get(i);
            Example y = b.train().get(i);
            assertEquals(x.texts(), y.texts());
            assertArrayEquals(((Feature.Floats) x.features().get("image")).values(),
                    ((Feature.Floats) y.features().get("image")).values());
            for (String text : List.of(x.texts().get("question"), x.texts().get("answer"))) {
                Matcher m = word.matcher(text);
                while (m.find()) {
                    assertTrue(vocabulary.contains(m.group()), "'" + m.group() + "' of '" + text + "'");
                }
            }
            AnswerScorer scorer = AnswerScorer.byId(x.texts().get("scorer"), "test");
            assertEquals(1, scorer.score(x.texts().get("answer"), x.texts().get("answer")), x.texts().toString());
            answers.add(x.texts().get("task") + ":" + x.texts().get("answer"));
        }
        assertTrue(answers.size() > 30, "answers vary: " + answers.size());
        assertNotEquals(a.train().get(0).texts(), new MiniCoin(new MiniCoinConfig(4, 32, 20, 6, List.of(), true, 2))
                .train().get(0).texts().get("question") + "x");
        Example test0 = a.test().get(0);
        assertTrue(test0.id() >= 10_000_000L, "test ids differ from train ids");
    }

    @Test
    void instructionScenarioCutsOneTaskPerNameOrOneJointTask() {
        MiniCoin coin = new MiniCoin(SMALL);
        Scenario s = InstructionScenarioProvider.split(coin, new InstructionScenarioProvider.Config(List.of(), false));
        assertEquals(1 + MiniCoin.TASKS.size(), s.tasks().size());
        assertEquals("base", s.tasks().get(0).info().name());
        assertEquals(2 * MiniCoin.TASKS.size(), s.tasks().get(0).info().trainSize());
        assertEquals("grounding", s.tasks().get(6).info().name());
        assertEquals(20, s.tasks().get(6).info().trainSize());
        for (int i = 0; i < 6; i++) {
            assertEquals("grounding", s.tasks().get(6).train().get(i).texts().get("task"));
            assertEquals("grounding", s.tasks().get(6).test().get(i).texts().get("task"));
        }
        Scenario subset = InstructionScenarioProvider.split(coin,
                new InstructionScenarioProvider.Config(List.of("color", "choice"), false));
        assertEquals(List.of("color", "choice"), subset.tasks().stream().map(t -> t.info().name()).toList());
        Scenario joint = InstructionScenarioProvider.split(coin,
                new InstructionScenarioProvider.Config(List.of("color", "choice"), true));
        assertEquals(1, joint.tasks().size());
        assertEquals(40, joint.tasks().get(0).info().trainSize());
        assertEquals(12, joint.tasks().get(0).info().testSize());
        Scenario baseThenJoint = InstructionScenarioProvider.split(coin,
                new InstructionScenarioProvider.Config(List.of("base", "color", "choice"), true, 1));
        assertEquals(List.of("base", "joint"), baseThenJoint.tasks().stream().map(t -> t.info().name()).toList());
        assertEquals(40, baseThenJoint.tasks().get(1).info().trainSize());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> InstructionScenarioProvider
                .split(coin, new InstructionScenarioProvider.Config(List.of("ocr"), false)));
        assertTrue(e.getMessage().contains("'ocr'"), e.getMessage());
    }

    @Test
    void configNamesBadFields() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MiniCoinConfig(1, 32, 10, 10, List.of("shapes"), false, 1));
        assertTrue(e.getMessage().contains("tasks") && e.getMessage().contains("grounding"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MiniCoinConfig(1, 8, 10, 10, null, false, 1));
    }

    /**
     * Issue #23: reading asks for one digit drawn large (90 two-digit classes in a 2-pixel font were never learnt),
     * grounding's boxes are 0.4 of the image's side (a box one grid step off along one axis still scores), and the
     * reference box is within the image.
     */
    @Test
    void readingIsOneLargeDigitAndGroundingBoxesAreFourTenthsOfTheImage() {
        MiniCoin data = new MiniCoin(new MiniCoinConfig(5, 32, 60, 6, List.of("reading", "grounding"), false, 1));
        Set<String> digits = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            Example e = data.train().get(i);
            String answer = e.texts().get("answer");
            assertTrue(answer.matches("[0-9]"), "reading answer '" + answer + "'");
            digits.add(answer);
            float[] img = ((Feature.Floats) e.features().get("image")).values();
            int dark = 0;
            for (int p = 0; p < 32 * 32; p++) {
                dark += img[p] < 0.1f ? 1 : 0;
            }
            assertTrue(dark >= 7 * 16, "a digit's strokes are 4x4-pixel squares (at least 7 of them): " + dark);
        }
        assertEquals(10, digits.size(), "every digit occurs: " + digits);
        for (int i = 60; i < 120; i++) {
            double[] b = box(data.train().get(i).texts().get("answer"));
            assertEquals(0.4, b[2] - b[0], 1e-9);
            assertEquals(0.4, b[3] - b[1], 1e-9);
            assertTrue(b[0] >= 0 && b[1] >= 0 && b[2] <= 1 + 1e-9 && b[3] <= 1 + 1e-9);
            assertEquals(1, AnswerScorer.GROUNDING.score(String.format(java.util.Locale.ROOT,
                    "[%.1f, %.1f, %.1f, %.1f]", b[0] + 0.1, b[1], b[2] + 0.1, b[3]),
                    data.train().get(i).texts().get("answer")), "one step off along one axis: IoU 0.6");
        }
    }

    /**
     * Issue #23: grounding is a referring task: beside the named shape there is a black distractor of another
     * shape, outside the reference box; the named colour fills the reference box's centre. (A distractor of another
     * colour scored 0.32 / 0.25 alone: the model did not bind the named colour.)
     */
    @Test
    void groundingHasABlackDistractorOutsideTheReferenceBox() {
        int s = 64;
        MiniCoin data = new MiniCoin(new MiniCoinConfig(5, s, 60, 6, List.of("grounding"), false, 1));
        Pattern question = Pattern.compile("Give the bounding box of the (\\w+) (\\w+)\\.");
        Set<String> named = new HashSet<>();
        float[] black = {0.05f, 0.05f, 0.05f};
        for (int i = 0; i < 60; i++) {
            Example e = data.train().get(i);
            Matcher q = question.matcher(e.texts().get("question"));
            assertTrue(q.matches(), e.texts().get("question"));
            named.add(q.group(2));
            float[] rgb = color(q.group(1));
            double[] b = box(e.texts().get("answer"));
            float[] img = ((Feature.Floats) e.features().get("image")).values();
            int cx = (int) Math.round((b[0] + b[2]) / 2 * s);
            int cy = (int) Math.round((b[1] + b[3]) / 2 * s);
            assertTrue(same(img, s, cx, cy, rgb), "the named colour at the box's centre: " + e.texts());
            int outside = 0;
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    boolean inBox = x >= b[0] * s - 1 && x <= b[2] * s && y >= b[1] * s - 1 && y <= b[3] * s;
                    float r = img[y * s + x];
                    float g = img[s * s + y * s + x];
                    boolean background = Math.abs(r - 0.92f) < 1e-6 && Math.abs(g - 0.92f) < 1e-6;
                    if (!background && !inBox) {
                        outside++;
                        assertTrue(same(img, s, x, y, black), "the distractor is black: " + e.texts() + " at "
                                + x + "," + y);
                    }
                }
            }
            assertTrue(outside > 0.04 * s * s, "a distractor outside the reference box: " + outside + " pixels");
        }
        assertEquals(4, named.size(), "every shape is named: " + named);
    }

    /**
     * Issue #23: spatial relates the named coloured shape to a black square (both in the image, not overlapping),
     * and the answer agrees with where the two are drawn.
     */
    @Test
    void spatialRelatesTheColouredShapeToTheBlackSquare() {
        int s = 64;
        MiniCoin data = new MiniCoin(new MiniCoinConfig(5, s, 80, 6, List.of("spatial"), false, 1));
        Pattern question = Pattern.compile(
                "Is the (\\w+) (\\w+) (left or right of|above or below) the black square\\?");
        Set<String> answers = new HashSet<>();
        for (int i = 0; i < 80; i++) {
            Example e = data.train().get(i);
            Matcher q = question.matcher(e.texts().get("question"));
            assertTrue(q.matches(), e.texts().get("question"));
            float[] rgb = color(q.group(1));
            float[] img = ((Feature.Floats) e.features().get("image")).values();
            double[] named = centroid(img, s, rgb);
            double[] black = centroid(img, s, new float[] {0.05f, 0.05f, 0.05f});
            assertEquals(0.09 * s * s, black[2], 0.01 * s * s, "a whole 0.3-side black square: " + e.texts());
            assertTrue(named[2] > 0.02 * s * s, "the named shape is drawn: " + e.texts());
            String answer = e.texts().get("answer");
            answers.add(answer);
            String expected = q.group(3).startsWith("left") ? (named[0] < black[0] ? "left" : "right")
                    : (named[1] < black[1] ? "above" : "below");
            assertEquals(expected, answer, e.texts().toString());
        }
        assertEquals(Set.of("left", "right", "above", "below"), answers);
    }

    /**
     * Issue #23: choice offers three lettered options in the fixed order circle, square, triangle, cross: the shown
     * shape and two others, so a letter's shape depends on the omitted one.
     */
    @Test
    void choiceOffersTheShownShapeAndTwoOthersInAFixedOrder() {
        MiniCoin data = new MiniCoin(new MiniCoinConfig(5, 32, 80, 6, List.of("choice"), false, 1));
        Pattern question = Pattern.compile("Which shape is in the image\\? A\\. (\\w+) B\\. (\\w+) C\\. (\\w+)"
                + " Answer with the option's letter from the given choices directly\\.");
        Set<String> letters = new HashSet<>();
        Set<List<String>> lists = new HashSet<>();
        for (int i = 0; i < 80; i++) {
            Example e = data.train().get(i);
            Matcher q = question.matcher(e.texts().get("question"));
            assertTrue(q.matches(), e.texts().get("question"));
            List<String> options = List.of(q.group(1), q.group(2), q.group(3));
            lists.add(options);
            List<Integer> order = options.stream().map(MiniCoin.SHAPES::indexOf).toList();
            assertTrue(order.get(0) >= 0 && order.get(0) < order.get(1) && order.get(1) < order.get(2),
                    "options in the fixed order: " + options);
            letters.add(e.texts().get("answer"));
            assertTrue(e.texts().get("answer").matches("[ABC]"), e.texts().get("answer"));
        }
        assertEquals(Set.of("A", "B", "C"), letters);
        assertEquals(4, lists.size(), "each of the four shapes is omitted sometimes: " + lists);
    }

    /**
     * Issue #23: counting asks how many squares there are, beside 0-2 distractors of other kinds: each shape in its
     * own cell of a 3×3 grid, a square being the shape that fills its bounding box; the answer counts the squares
     * only (shapes of every kind counted together were not learnt, squares alone were solved by their area).
     */
    @Test
    void countingCountsTheSquaresBesideDistractors() {
        int s = 90;
        MiniCoin data = new MiniCoin(new MiniCoinConfig(5, s, 80, 6, List.of("counting"), false, 1));
        Set<String> answers = new HashSet<>();
        int withDistractors = 0;
        for (int i = 0; i < 80; i++) {
            Example e = data.train().get(i);
            assertEquals("How many squares are in the image?", e.texts().get("question"));
            float[] img = ((Feature.Floats) e.features().get("image")).values();
            int squares = 0;
            int shapes = 0;
            for (int cell = 0; cell < 9; cell++) {
                int x0 = (cell % 3) * s / 3;
                int y0 = (cell / 3) * s / 3;
                int minX = s;
                int minY = s;
                int maxX = -1;
                int maxY = -1;
                int filled = 0;
                for (int y = y0; y < y0 + s / 3; y++) {
                    for (int x = x0; x < x0 + s / 3; x++) {
                        if (drawn(img, s, x, y)) {
                            filled++;
                            minX = Math.min(minX, x);
                            minY = Math.min(minY, y);
                            maxX = Math.max(maxX, x);
                            maxY = Math.max(maxY, y);
                        }
                    }
                }
                if (filled > 0) {
                    shapes++;
                    assertEquals(Math.round(0.3f * s), maxX - minX + 1, "a shape of 0.3 of the side: " + e.texts());
                    squares += filled == (maxX - minX + 1) * (maxY - minY + 1) ? 1 : 0;
                }
            }
            assertEquals(e.texts().get("answer"), Integer.toString(squares), "the squares are counted");
            withDistractors += shapes > squares ? 1 : 0;
            assertTrue(shapes - squares <= 2, "at most two distractors: " + shapes + " shapes");
            answers.add(e.texts().get("answer"));
        }
        assertEquals(Set.of("1", "2", "3", "4"), answers);
        assertTrue(withDistractors > 30 && withDistractors < 70, "two in three have distractors: " + withDistractors);
    }

    /**
     * Issue #23: classification draws one shape of 0.4 of the side with its corner in [0.2, 0.4] (sides 0.3-0.4
     * anywhere in [0.1, 0.5] were learnt on some seeds only).
     */
    @Test
    void classificationDrawsOneShapeOfFourTenthsNearTheCentre() {
        int s = 64;
        MiniCoin data = new MiniCoin(new MiniCoinConfig(5, s, 80, 6, List.of("classification"), false, 1));
        int side = Math.round(0.4f * s);
        for (int i = 0; i < 80; i++) {
            Example e = data.train().get(i);
            float[] img = ((Feature.Floats) e.features().get("image")).values();
            int minX = s;
            int minY = s;
            int maxX = -1;
            int maxY = -1;
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    if (drawn(img, s, x, y)) {
                        minX = Math.min(minX, x);
                        minY = Math.min(minY, y);
                        maxX = Math.max(maxX, x);
                        maxY = Math.max(maxY, y);
                    }
                }
            }
            assertTrue(minX >= Math.round(0.2f * s) && minY >= Math.round(0.2f * s), "corner >= 0.2: " + e.texts());
            assertTrue(maxX < Math.round(0.4f * s) + side && maxY < Math.round(0.4f * s) + side, e.texts().toString());
            if (e.texts().get("answer").equals("square")) {
                assertEquals(side, maxX - minX + 1, "a square of 0.4 of the side");
            }
        }
    }

    private static double[] box(String text) {
        Matcher m = Pattern.compile("\\[(\\d\\.\\d), (\\d\\.\\d), (\\d\\.\\d), (\\d\\.\\d)\\]").matcher(text);
        assertTrue(m.matches(), text);
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)),
            Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4))};
    }

    private static float[] color(String name) {
        return switch (name) {
            case "red" -> new float[] {0.9f, 0.1f, 0.1f};
            case "green" -> new float[] {0.1f, 0.65f, 0.1f};
            case "blue" -> new float[] {0.1f, 0.2f, 0.9f};
            case "yellow" -> new float[] {0.95f, 0.85f, 0.1f};
            case "purple" -> new float[] {0.6f, 0.1f, 0.7f};
            default -> throw new AssertionError("colour " + name);
        };
    }

    private static boolean drawn(float[] img, int s, int x, int y) {
        return Math.abs(img[y * s + x] - 0.92f) > 1e-6 || Math.abs(img[s * s + y * s + x] - 0.92f) > 1e-6;
    }

    private static boolean same(float[] img, int s, int x, int y, float[] rgb) {
        for (int c = 0; c < 3; c++) {
            if (Math.abs(img[c * s * s + y * s + x] - rgb[c]) > 1e-6) {
                return false;
            }
        }
        return true;
    }

    /** Mean x, mean y and count of the pixels of one colour. */
    private static double[] centroid(float[] img, int s, float[] rgb) {
        double sx = 0;
        double sy = 0;
        int n = 0;
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                if (same(img, s, x, y, rgb)) {
                    sx += x;
                    sy += y;
                    n++;
                }
            }
        }
        return new double[] {n == 0 ? -1 : sx / n, n == 0 ? -1 : sy / n, n};
    }
}
