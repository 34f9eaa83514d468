package dev.perennial.deepfake.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A deepfake data-set index (method, family, domain, real/fake, video id, split per frame) and the protocol splits
 * cut from it (specs/deepfake.md §C.2, C.5).
 *
 * <p>CSV format, UTF-8, with the header {@code path,method,family,domain,label,video_id,split}; {@code label} is
 * 0 for real and ≥ 1 for fake (DeepfakeBench binarisation); family is empty for reals. Fields must not contain
 * commas.
 */
public final class ForgeryIndex {
    private static final String HEADER = "path,method,family,domain,label,video_id,split";
    private final List<ForgeryRecord> records;
    private final Map<ForgeryRecord, Integer> positions = new java.util.IdentityHashMap<>();

    /**
     * Wraps records.
     *
     * @param records the records
     */
    public ForgeryIndex(List<ForgeryRecord> records) {
        this.records = List.copyOf(records);
        for (int i = 0; i < this.records.size(); i++) {
            positions.put(this.records.get(i), i);
        }
    }

    /**
     * The stable id of a record: its position in the index.
     *
     * @param record a record of this index (the same object)
     * @return its position
     * @throws IllegalArgumentException when the record is not from this index
     */
    public int idOf(ForgeryRecord record) {
        Integer i = positions.get(record);
        if (i == null) {
            throw new IllegalArgumentException("record " + record.path() + " is not from this index");
        }
        return i;
    }

    /**
     * Reads an index file.
     *
     * @param file the CSV file
     * @return the index
     * @throws IllegalArgumentException naming the file and line of a malformed row
     */
    public static ForgeryIndex read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read forgery index " + file + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty() || !lines.get(0).strip().equals(HEADER)) {
            throw new IllegalArgumentException("forgery index " + file + " must start with the header '" + HEADER + "'");
        }
        List<ForgeryRecord> out = new ArrayList<>();
        for (int n = 1; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",", -1);
            try {
                if (f.length != 7) {
                    throw new IllegalArgumentException("expected 7 fields, found " + f.length);
                }
                out.add(new ForgeryRecord(f[0].strip(), f[1].strip(), f[2].strip(), f[3].strip(),
                        Integer.parseInt(f[4].strip()) >= 1, f[5].strip(), f[6].strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("forgery index " + file + " line " + (n + 1) + ": "
                        + e.getMessage(), e);
            }
        }
        return new ForgeryIndex(out);
    }

    /**
     * The records.
     *
     * @return every record
     */
    public List<ForgeryRecord> records() {
        return records;
    }

    /**
     * The forgery methods in the index, sorted.
     *
     * @return the fake methods
     */
    public List<String> fakeMethods() {
        Set<String> m = new TreeSet<>();
        for (ForgeryRecord r : records) {
            if (r.fake()) {
                m.add(r.method());
            }
        }
        return List.copyOf(m);
    }

    /**
     * Cuts the index by a protocol.
     *
     * <p>Training: the train-split fakes the training selector accepts and the train-split reals of their domains.
     * Validation ({@code HELD_OUT_VALIDATION}): whole videos, a seeded {@code validationFraction} of the training
     * videos, removed from training. Test group g: the test-split fakes g accepts and the test-split reals of their
     * domains.
     *
     * @param protocol the protocol
     * @return the split
     * @throws IllegalArgumentException naming the protocol and group when a group has no fakes or no reals (missing
     *     folders are a known DF40 integrity problem, pitfall C.7.7)
     */
    public ProtocolSplit split(ProtocolSpec protocol) {
        List<ForgeryRecord> trainAll = group(protocol, "training", protocol.train(), "train");
        Map<String, List<ForgeryRecord>> tests = new LinkedHashMap<>();
        for (Map.Entry<String, ForgerySelector> g : protocol.testGroups().entrySet()) {
            tests.put(g.getKey(), group(protocol, "test group '" + g.getKey() + "'", g.getValue(), "test"));
        }
        if (protocol.selection() == ProtocolSpec.ModelSelection.DF40_COMPATIBLE_TEST_SELECTION) {
            List<ForgeryRecord> validation = group(protocol, "DF40-compatible validation", protocol.train(), "test");
            return new ProtocolSplit(protocol, trainAll, validation, tests, true);
        }
        TreeSet<String> videos = new TreeSet<>();
        for (ForgeryRecord r : trainAll) {
            videos.add(r.videoId());
        }
        List<String> shuffled = new ArrayList<>(videos);
        SplittableRandom random = new SplittableRandom(protocol.seed());
        for (int i = shuffled.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            String t = shuffled.get(i);
            shuffled.set(i, shuffled.get(j));
            shuffled.set(j, t);
        }
        int held = Math.max(1, (int) Math.round(protocol.validationFraction() * shuffled.size()));
        if (held >= shuffled.size()) {
            throw new IllegalArgumentException("protocol " + protocol.name() + ": only " + shuffled.size()
                    + " training videos; cannot hold out a validation split");
        }
        Set<String> validationVideos = new HashSet<>(shuffled.subList(0, held));
        List<ForgeryRecord> train = new ArrayList<>();
        List<ForgeryRecord> validation = new ArrayList<>();
        for (ForgeryRecord r : trainAll) {
            (validationVideos.contains(r.videoId()) ? validation : train).add(r);
        }
        return new ProtocolSplit(protocol, train, validation, tests, false);
    }

    private List<ForgeryRecord> group(ProtocolSpec protocol, String what, ForgerySelector selector, String split) {
        List<ForgeryRecord> fakes = new ArrayList<>();
        Set<String> domains = new HashSet<>();
        for (ForgeryRecord r : records) {
            if (r.split().equals(split) && selector.acceptsFake(r)) {
                fakes.add(r);
                domains.add(r.domain());
            }
        }
        List<ForgeryRecord> out = new ArrayList<>();
        for (ForgeryRecord r : records) {
            if (r.split().equals(split) && !r.fake() && domains.contains(r.domain())) {
                out.add(r);
            }
        }
        if (fakes.isEmpty() || out.isEmpty()) {
            throw new IllegalArgumentException("protocol " + protocol.name() + ": the " + what + " (" + split
                    + " split) has " + fakes.size() + " fakes and " + out.size() + " reals; the index lacks "
                    + (fakes.isEmpty() ? "fakes matching " + selector : "reals of the domains " + domains));
        }
        out.addAll(fakes);
        return out;
    }
}
