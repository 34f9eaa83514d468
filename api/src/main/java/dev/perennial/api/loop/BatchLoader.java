package dev.perennial.api.loop;

import dev.perennial.spi.DatasetSplit;
import dev.perennial.spi.Example;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

/**
 * Decodes and collates batches on worker threads, a bounded number ahead of the training thread, in order.
 * The training thread only copies finished host batches into arrays.
 */
final class BatchLoader implements AutoCloseable {
    private final DatasetSplit split;
    private final int[] order;
    private final int batchSize;
    private final int task;
    private final String where;
    private final ExecutorService workers;
    private final int ahead;
    private final Deque<CompletableFuture<HostBatch>> pending = new ArrayDeque<>();
    private int nextBatchToSubmit;
    private final int batchCount;

    /**
     * Starts decoding.
     *
     * @param split the split to read
     * @param order indices into the split, in visiting order
     * @param batchSize the batch size (the last batch may be smaller)
     * @param firstBatch the batch to start at (resume)
     * @param task the task index written into the batches
     * @param where names the data for messages
     * @param workers the decoding threads
     * @param ahead how many batches to keep in flight
     */
    BatchLoader(DatasetSplit split, int[] order, int batchSize, int firstBatch, int task, String where,
                ExecutorService workers, int ahead) {
        this.split = split;
        this.order = order;
        this.batchSize = batchSize;
        this.task = task;
        this.where = where;
        this.workers = workers;
        this.ahead = Math.max(1, ahead);
        this.batchCount = (order.length + batchSize - 1) / batchSize;
        this.nextBatchToSubmit = firstBatch;
        fill();
    }

    static int batchCount(int examples, int batchSize) {
        return (examples + batchSize - 1) / batchSize;
    }

    private void fill() {
        while (pending.size() < ahead && nextBatchToSubmit < batchCount) {
            int from = nextBatchToSubmit * batchSize;
            int to = Math.min(order.length, from + batchSize);
            int[] indices = Arrays.copyOfRange(order, from, to);
            pending.add(CompletableFuture.supplyAsync(() -> decode(indices), workers));
            nextBatchToSubmit++;
        }
    }

    private HostBatch decode(int[] indices) {
        List<Example> examples = new ArrayList<>(indices.length);
        for (int i : indices) {
            examples.add(split.get(i));
        }
        return HostBatch.collate(task, examples, where);
    }

    boolean hasNext() {
        return !pending.isEmpty();
    }

    /**
     * The next batch, waiting for it if needed.
     *
     * @return the batch
     * @throws RuntimeException the decoding error (e.g. a {@code DatasetException} naming the file)
     */
    HostBatch next() {
        CompletableFuture<HostBatch> f = pending.poll();
        if (f == null) {
            throw new NoSuchElementException();
        }
        HostBatch b;
        try {
            b = f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
        fill();
        return b;
    }

    @Override
    public void close() {
        pending.forEach(f -> f.cancel(true));
        pending.clear();
    }
}
