package dev.perennial.continual.safe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The shipped class order is a permutation of CIFAR-100's 100 classes. */
class ReferenceClassOrderTest {
    @Test
    void isAPermutationOfAHundredClasses() {
        List<Integer> order = ReferenceClassOrder.CIFAR100_SEED_1993;
        assertEquals(100, order.size());
        assertEquals(IntStream.range(0, 100).boxed().toList(), List.copyOf(new TreeSet<>(order)));
        assertEquals(List.of(68, 56, 78, 8, 23, 84, 90, 65, 74, 76), order.subList(0, 10), "task 1 of B0-Inc10");
    }
}
