package dev.mldeploy.sagemaker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.ConflictException;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.OperationTimeoutException;
import org.junit.jupiter.api.Test;

class FailuresTest {
    @Test
    void withNote_keepsTheTypeACallerActsOnAndAppendsTheNote() {
        assertInstanceOf(OperationTimeoutException.class, Failures.withNote(new OperationTimeoutException("t"), "n"));
        assertInstanceOf(ConflictException.class, Failures.withNote(new ConflictException("c"), "n"));
        RuntimeException d = Failures.withNote(new DeploymentFailedException("d", null, true), "removed x");
        assertEquals("d; removed x", d.getMessage());
        assertTrue(((DeploymentFailedException) d).retryable());
    }

    @Test
    void withNote_withNothingToSay_returnsTheFailureOrWrapsAForeignOne() {
        OperationTimeoutException t = new OperationTimeoutException("t");
        assertSame(t, Failures.withNote(t, ""));
        assertInstanceOf(DeploymentFailedException.class, Failures.withNote(new IllegalStateException("x"), ""));
    }

    @Test
    void cleanupReport_saysNothingIsLeftOnlyWhenEverythingWasRemoved() {
        CleanupReport clean = new CleanupReport();
        clean.remove("model m-1", () -> true);
        clean.remove("endpoint config m-1", () -> false); // was not there: neither removed nor left
        assertEquals("removed the model m-1 this deploy created; nothing is left, so a retry starts clean",
                clean.note("m"));

        CleanupReport partial = new CleanupReport();
        partial.remove("model m-1", () -> {
            throw new IllegalStateException("HTTP 500");
        });
        assertTrue(partial.note("m").startsWith("left: model m-1 (HTTP 500)"), partial.note("m"));
        assertTrue(partial.note("m").contains("'undeploy m' removes them"), partial.note("m"));
        assertEquals("", new CleanupReport().note("m"));
    }
}
