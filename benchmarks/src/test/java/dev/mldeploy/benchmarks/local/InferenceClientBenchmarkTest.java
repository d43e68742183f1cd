package dev.mldeploy.benchmarks.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The harness's own arithmetic: it counts every completed call, on every thread, and fails on a failed call. */
class InferenceClientBenchmarkTest {

    @Test
    void run_countsEveryCallOfEveryThread_andMeasuresTheirLatency() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        InferenceClientBenchmark.Run r = InferenceClientBenchmark.run(() -> {
            Thread.sleep(5);
            calls.incrementAndGet();
        }, 4, Duration.ofMillis(300));
        assertEquals(calls.get(), r.requests());
        assertTrue(r.requests() >= 4 * 20 && r.requests() <= 4 * 61, "about 4 x 60 calls of 5 ms: " + r);
        assertTrue(r.meanMillis() >= 5, "each call takes at least 5 ms: " + r.meanMillis());
        assertTrue(r.elapsed().toMillis() >= 300);
    }

    @Test
    void run_whenACallFails_throws() {
        assertThrows(IllegalStateException.class, () -> InferenceClientBenchmark.run(() -> {
            throw new IllegalStateException("HTTP 500");
        }, 2, Duration.ofMillis(50)));
    }

    @Test
    void compare_sumsEachClientsRounds_andAlternatesWhoGoesFirst() throws Exception {
        java.util.List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        InferenceClientBenchmark.Caller a = () -> {
            if (order.isEmpty() || !order.get(order.size() - 1).equals("a")) {
                order.add("a");
            }
            Thread.sleep(2);
        };
        InferenceClientBenchmark.Caller b = () -> {
            if (order.isEmpty() || !order.get(order.size() - 1).equals("b")) {
                order.add("b");
            }
            Thread.sleep(4);
        };
        InferenceClientBenchmark.Row row = InferenceClientBenchmark.compare(a, b, 1, 2, Duration.ofMillis(100));
        assertEquals(List.of("a", "b", "a"), order, "round 1 runs a then b, round 2 b then a (consecutive b runs merge)");
        assertTrue(row.ratio() > 0.3 && row.ratio() < 0.7, "b takes twice as long as a: " + row.ratio());
        assertEquals(Duration.ofMillis(200).toMillis(), row.baseline().elapsed().toMillis(), 30);
    }

    @Test
    void table_reportsTheRatioOfTheTwoThroughputs() {
        var base = new InferenceClientBenchmark.Run(1000, Duration.ofSeconds(10), 10_000_000_000L);
        var sdk = new InferenceClientBenchmark.Run(950, Duration.ofSeconds(10), 10_000_000_000L);
        String table = InferenceClientBenchmark.table(List.of(new InferenceClientBenchmark.Row(8, base, sdk, 1.01)), 5,
                Duration.ofSeconds(2));
        assertTrue(table.contains("| 8 | 100 | 95 | 0.950 | 1.010 |"), table);
    }
}
