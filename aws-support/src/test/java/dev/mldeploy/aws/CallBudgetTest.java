package dev.mldeploy.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.OperationTimeoutException;
import dev.mldeploy.spi.DeployContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;

class CallBudgetTest {
    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-12-01T12:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final ManualClock clock = new ManualClock();

    private static AwsRequestOverrideConfiguration applied(CallBudget budget) {
        return budget.on(HeadObjectRequest.builder().bucket("b").key("k")).build().overrideConfiguration()
                .orElseThrow();
    }

    @Test
    void on_givesTheCallWhatIsLeftOfTheDeadlineAndEachAttemptHalf() {
        DeployContext ctx = DeployContext.of("m", "sagemaker", e -> { }, Duration.ofSeconds(20), clock);
        CallBudget budget = CallBudget.of(ctx);
        clock.now = clock.now.plusSeconds(8);

        AwsRequestOverrideConfiguration o = applied(budget);

        assertEquals(Duration.ofSeconds(12), o.apiCallTimeout().orElseThrow());
        assertEquals(Duration.ofSeconds(6), o.apiCallAttemptTimeout().orElseThrow());
    }

    @Test
    void on_afterTheDeadline_refusesToSendAnything() {
        DeployContext ctx = DeployContext.of("m", "sagemaker", e -> { }, Duration.ofSeconds(3), clock);
        CallBudget budget = CallBudget.of(ctx);
        clock.now = clock.now.plusSeconds(3);

        OperationTimeoutException e = assertThrows(OperationTimeoutException.class, () -> applied(budget));
        assertTrue(e.getMessage().contains("--timeout"), e.getMessage());
    }

    @Test
    void forCleanup_givesATenthOfTheTimeoutBoundedBetween2And30Seconds() {
        CallBudget shortOne = CallBudget.of(DeployContext.of("m", "s", e -> { }, Duration.ofSeconds(3), clock));
        CallBudget mid = CallBudget.of(DeployContext.of("m", "s", e -> { }, Duration.ofSeconds(100), clock));
        CallBudget longOne = CallBudget.of(DeployContext.of("m", "s", e -> { }, Duration.ofHours(1), clock));
        clock.now = clock.now.plus(Duration.ofHours(2)); // all three deadlines passed

        assertEquals(Duration.ofSeconds(2), applied(shortOne.forCleanup()).apiCallTimeout().orElseThrow());
        assertEquals(Duration.ofSeconds(10), applied(mid.forCleanup()).apiCallTimeout().orElseThrow());
        assertEquals(Duration.ofSeconds(30), applied(longOne.forCleanup()).apiCallTimeout().orElseThrow());
    }

    @Test
    void perCall_givesEveryCallTheSameTimeAndUnboundedSetsNothing() {
        CallBudget budget = CallBudget.perCall(Duration.ofSeconds(10), "raise it");
        assertEquals(Duration.ofSeconds(10), applied(budget).apiCallTimeout().orElseThrow());
        assertEquals(Duration.ofSeconds(10), applied(budget).apiCallTimeout().orElseThrow());
        assertSame(budget, budget.forCleanup());
        assertTrue(CallBudget.unbounded().on(HeadObjectRequest.builder()).build().overrideConfiguration()
                .isEmpty());
    }

    @Test
    void open_scopesTheBudgetToTheThreadAndRestoresThePreviousOne() {
        CallBudget outer = CallBudget.perCall(Duration.ofSeconds(5), "raise it");
        CallBudget inner = CallBudget.perCall(Duration.ofSeconds(1), "raise it");
        try (CallBudget.Scope a = CallBudget.open(outer)) {
            try (CallBudget.Scope b = CallBudget.open(inner)) {
                assertSame(inner, CallBudget.current());
            }
            assertSame(outer, CallBudget.current());
        }
        assertSame(CallBudget.unbounded(), CallBudget.current());
    }

    @Test
    void on_whenLessThanTwoSecondsAreLeft_givesEachAttemptAtLeastOneSecond() {
        CallBudget budget = CallBudget.of(DeployContext.of("m", "lambda", e -> { }, Duration.ofMillis(1500), clock));

        AwsRequestOverrideConfiguration o = applied(budget);

        assertEquals(Duration.ofMillis(1500), o.apiCallTimeout().orElseThrow());
        assertEquals(Duration.ofSeconds(1), o.apiCallAttemptTimeout().orElseThrow());
    }

    @Test
    void onWhole_givesTheOneAttemptAllThatIsLeft() {
        CallBudget budget = CallBudget.of(DeployContext.of("m", "lambda", e -> { }, Duration.ofSeconds(40), clock));
        clock.now = clock.now.plusSeconds(10);

        AwsRequestOverrideConfiguration o = budget.onWhole(HeadObjectRequest.builder()).build()
                .overrideConfiguration().orElseThrow();

        assertEquals(Duration.ofSeconds(30), o.apiCallTimeout().orElseThrow());
        assertEquals(Duration.ofSeconds(30), o.apiCallAttemptTimeout().orElseThrow());
    }

    @Test
    void grace_afterTheDeadline_stillAllowsTheCleanupItsOwnTime() {
        CallBudget budget = CallBudget.of(DeployContext.of("m", "lambda", e -> { }, Duration.ofSeconds(5), clock));
        clock.now = clock.now.plusSeconds(6);
        assertThrows(OperationTimeoutException.class, () -> applied(budget));

        CallBudget cleanup = budget.grace(Duration.ofSeconds(8));

        assertEquals(Duration.ofSeconds(8), applied(cleanup).apiCallTimeout().orElseThrow());
        assertTrue(cleanup.expired().getMessage().contains("cleaning up lambda deployment 'm'"),
                cleanup.expired().getMessage());
    }

    @Test
    void expired_namesTheOperationAndHowToRaiseTheTimeout() {
        OperationTimeoutException e = CallBudget.of(Duration.ofSeconds(3), "describing function f").expired();

        assertTrue(e.getMessage().contains("describing function f") && e.getMessage().contains("--timeout"),
                e.getMessage());
    }
}
