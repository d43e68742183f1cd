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

    /**
     * A clock each thread advances by itself: a call "takes" exactly what it advances, whatever the machine does,
     * so counts and ratios are exact. A new thread starts at 0, where the calling thread stays.
     */
    static final class StepClock implements java.util.function.LongSupplier {
        private final ThreadLocal<long[]> now = ThreadLocal.withInitial(() -> new long[1]);

        @Override
        public long getAsLong() {
            return now.get()[0];
        }

        void advance(Duration d) {
            now.get()[0] += d.toNanos();
        }
    }

    @Test
    void run_countsEveryCallOfEveryThread_andMeasuresTheirLatency() throws Exception {
        StepClock clock = new StepClock();
        AtomicInteger calls = new AtomicInteger();
        InferenceClientBenchmark.Run r = InferenceClientBenchmark.run(() -> {
            clock.advance(Duration.ofMillis(5));
            calls.incrementAndGet();
        }, 4, Duration.ofMillis(300), clock);
        assertEquals(calls.get(), r.requests());
        assertEquals(4 * 60, r.requests(), "4 threads x 300 ms / 5 ms");
        assertEquals(5.0, r.meanMillis(), 1e-9);
        assertEquals(Duration.ofMillis(300), r.elapsed());
        assertEquals(800.0, r.perSecond(), 1e-9);
    }

    @Test
    void run_whenACallOverrunsTheEnd_countsItAndTheElapsedTimeIncludesIt() throws Exception {
        StepClock clock = new StepClock();
        InferenceClientBenchmark.Run r = InferenceClientBenchmark.run(() -> clock.advance(Duration.ofMillis(40)), 1,
                Duration.ofMillis(100), clock);
        assertEquals(3, r.requests(), "calls start at 0, 40 and 80 ms");
        assertEquals(Duration.ofMillis(120), r.elapsed());
    }

    @Test
    void run_whenACallFails_throws() {
        assertThrows(IllegalStateException.class, () -> InferenceClientBenchmark.run(() -> {
            throw new IllegalStateException("HTTP 500");
        }, 2, Duration.ofMillis(50), new StepClock()));
    }

    @Test
    void compare_sumsEachClientsRounds_andAlternatesWhoGoesFirst() throws Exception {
        StepClock clock = new StepClock();
        java.util.List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        InferenceClientBenchmark.Caller a = () -> {
            if (order.isEmpty() || !order.get(order.size() - 1).equals("a")) {
                order.add("a");
            }
            clock.advance(Duration.ofMillis(2));
        };
        InferenceClientBenchmark.Caller b = () -> {
            if (order.isEmpty() || !order.get(order.size() - 1).equals("b")) {
                order.add("b");
            }
            clock.advance(Duration.ofMillis(4));
        };
        InferenceClientBenchmark.Row row = InferenceClientBenchmark.compare(a, b, 1, 2, Duration.ofMillis(100), clock);
        assertEquals(List.of("a", "b", "a"), order, "round 1 runs a then b, round 2 b then a (consecutive b runs merge)");
        assertEquals(100, row.baseline().requests(), "2 rounds x 100 ms / 2 ms");
        assertEquals(50, row.mldeploy().requests(), "2 rounds x 100 ms / 4 ms");
        assertEquals(0.5, row.ratio(), 1e-9, "b takes twice as long as a");
        assertEquals(Duration.ofMillis(200), row.baseline().elapsed());
        assertEquals(Duration.ofMillis(200), row.mldeploy().elapsed());
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
