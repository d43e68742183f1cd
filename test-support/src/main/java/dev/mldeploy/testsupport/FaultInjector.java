package dev.mldeploy.testsupport;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * An SDK {@link ExecutionInterceptor} for tests: records every call made through the clients it is added to,
 * and fails chosen calls with chosen errors. Add it with
 * {@code .overrideConfiguration(o -> o.addExecutionInterceptor(faults))}. Thread-safe.
 *
 * <p>Calls are recorded once per API call (not per retry attempt). Faults are thrown before the request is
 * sent, once per attempt, so the SDK's retry strategy sees them as it would see the service's answer: a
 * throttling error is retried, a validation error is not. A faulted attempt never reaches the endpoint.
 */
public final class FaultInjector implements ExecutionInterceptor {
    private final List<String> calls = new ArrayList<>();
    private final Map<String, Deque<Supplier<? extends RuntimeException>>> faults = new HashMap<>();
    private final Map<String, Integer> attempts = new HashMap<>();

    /**
     * Fails the next {@code times} attempts of {@code operation} (as AWS names it: {@code CreateEndpoint},
     * {@code CreateFunction}, {@code PutObject}) with the exception {@code error} supplies.
     */
    public synchronized FaultInjector failNext(String operation, int times, Supplier<? extends RuntimeException> error) {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(error, "error");
        Deque<Supplier<? extends RuntimeException>> q = faults.computeIfAbsent(operation, k -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            q.add(error);
        }
        return this;
    }

    /** Every call's operation name, in order. */
    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    /** How many calls of {@code operation} were made. */
    public synchronized long count(String operation) {
        return calls.stream().filter(operation::equals).count();
    }

    /** How many attempts (first tries and retries) of {@code operation} were made. */
    public synchronized int attempts(String operation) {
        return attempts.getOrDefault(operation, 0);
    }

    /**
     * Calls that may change something: all but reads ({@code Describe*}, {@code List*}, {@code Get*},
     * {@code Head*}) and invocations ({@code Invoke*}).
     */
    public synchronized List<String> mutatingCalls() {
        return calls.stream().filter(FaultInjector::isMutating).toList();
    }

    /** Whether {@code operation} may change something. */
    public static boolean isMutating(String operation) {
        return !(operation.startsWith("Describe") || operation.startsWith("List") || operation.startsWith("Get")
                || operation.startsWith("Head") || operation.startsWith("Invoke"));
    }

    /** Forgets recorded calls and pending faults. */
    public synchronized void clear() {
        calls.clear();
        faults.clear();
        attempts.clear();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        synchronized (this) {
            calls.add(op);
        }
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        Supplier<? extends RuntimeException> fault;
        synchronized (this) {
            attempts.merge(op, 1, Integer::sum);
            Deque<Supplier<? extends RuntimeException>> q = faults.get(op);
            fault = q == null ? null : q.poll();
        }
        if (fault != null) {
            throw fault.get();
        }
    }
}
