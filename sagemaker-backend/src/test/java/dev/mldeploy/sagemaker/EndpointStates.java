package dev.mldeploy.sagemaker;

import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sagemaker.model.DescribeEndpointResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointStatus;

/**
 * For the integration tests: the endpoint states moto never shows. While {@link #force} is set, every
 * DescribeEndpoint answer says the endpoint is in that status (with that config, when given), as real SageMaker
 * does for minutes while it creates or updates one. Thread-safe.
 */
final class EndpointStates implements ExecutionInterceptor {
    private record Forced(EndpointStatus status, String configName) {
    }

    private final AtomicReference<Forced> forced = new AtomicReference<>();

    /** From now on, DescribeEndpoint answers {@code status} (and {@code configName} unless null). */
    void force(EndpointStatus status, String configName) {
        forced.set(new Forced(status, configName));
    }

    /** DescribeEndpoint answers what moto says again. */
    void release() {
        forced.set(null);
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        Forced f = forced.get();
        if (f == null || !(context.response() instanceof DescribeEndpointResponse d)) {
            return context.response();
        }
        DescribeEndpointResponse.Builder b = d.toBuilder().endpointStatus(f.status());
        if (f.configName() != null) {
            b.endpointConfigName(f.configName());
        }
        return b.build();
    }
}
