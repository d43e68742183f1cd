package dev.mldeploy.lambda;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import java.util.Map;
import java.util.function.Consumer;
import org.mockito.Mockito;
import org.mockito.stubbing.Answer;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Architecture;
import software.amazon.awssdk.services.lambda.model.CreateAliasRequest;
import software.amazon.awssdk.services.lambda.model.CreateAliasResponse;
import software.amazon.awssdk.services.lambda.model.CreateFunctionRequest;
import software.amazon.awssdk.services.lambda.model.CreateFunctionResponse;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetAliasRequest;
import software.amazon.awssdk.services.lambda.model.GetAliasResponse;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationRequest;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.GetFunctionRequest;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.PublishVersionRequest;
import software.amazon.awssdk.services.lambda.model.PublishVersionResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.State;
import software.amazon.awssdk.services.lambda.model.UpdateAliasRequest;
import software.amazon.awssdk.services.lambda.model.UpdateAliasResponse;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Mockito mocks of the SDK clients whose {@code Consumer<Builder>} overloads run for real (they build the request
 * and call the request overload, which the tests stub and verify).
 */
final class MockLambda {
    static final String ROLE = "arn:aws:iam::123456789012:role/exec";
    static final String ARN = "arn:aws:lambda:us-east-1:123456789012:function:";

    private MockLambda() {
    }

    private static final Answer<Object> CONSUMER_OVERLOADS_REAL = inv -> {
        Class<?>[] types = inv.getMethod().getParameterTypes();
        if (types.length >= 1 && Consumer.class.isAssignableFrom(types[0])) {
            return inv.callRealMethod();
        }
        return Mockito.RETURNS_DEFAULTS.answer(inv);
    };

    /** A mock with no provisioned concurrency configured (as a function without any answers). */
    static LambdaClient lambda() {
        LambdaClient m = mock(LambdaClient.class, withSettings().defaultAnswer(CONSUMER_OVERLOADS_REAL));
        when(m.getProvisionedConcurrencyConfig(any(
                software.amazon.awssdk.services.lambda.model.GetProvisionedConcurrencyConfigRequest.class)))
                .thenThrow(software.amazon.awssdk.services.lambda.model.ProvisionedConcurrencyConfigNotFoundException
                        .builder().statusCode(404).message("No Provisioned Concurrency Config found").build());
        when(m.listVersionsByFunction(any(
                software.amazon.awssdk.services.lambda.model.ListVersionsByFunctionRequest.class)))
                .thenReturn(software.amazon.awssdk.services.lambda.model.ListVersionsByFunctionResponse.builder()
                        .build());
        when(m.listLayerVersions(any(software.amazon.awssdk.services.lambda.model.ListLayerVersionsRequest.class)))
                .thenReturn(software.amazon.awssdk.services.lambda.model.ListLayerVersionsResponse.builder().build());
        return m;
    }

    static IamClient iam() {
        return mock(IamClient.class, withSettings().defaultAnswer(CONSUMER_OVERLOADS_REAL));
    }

    static S3Client s3() {
        return mock(S3Client.class, withSettings().defaultAnswer(CONSUMER_OVERLOADS_REAL));
    }

    static ResourceNotFoundException notFound() {
        return (ResourceNotFoundException) ResourceNotFoundException.builder().statusCode(404)
                .message("Function not found").build();
    }

    /** A function that does not exist yet, and a create that succeeds with the function Active at once. */
    static void stubCreatable(LambdaClient lambda, String name) {
        when(lambda.getFunction(any(GetFunctionRequest.class))).thenThrow(notFound())
                .thenReturn(existing(name, "created", Map.of()));
        when(lambda.getAlias(any(GetAliasRequest.class))).thenReturn(alias(name, "1", "created"));
        when(lambda.createFunction(any(CreateFunctionRequest.class)))
                .thenReturn(CreateFunctionResponse.builder().functionArn(ARN + name).build());
        when(lambda.getFunctionConfiguration(any(GetFunctionConfigurationRequest.class)))
                .thenReturn(active(LastUpdateStatus.SUCCESSFUL));
        when(lambda.publishVersion(any(PublishVersionRequest.class)))
                .thenReturn(PublishVersionResponse.builder().version("1").build());
        when(lambda.createAlias(any(CreateAliasRequest.class)))
                .thenReturn(CreateAliasResponse.builder().aliasArn(ARN + name + ":live").build());
        when(lambda.updateAlias(any(UpdateAliasRequest.class)))
                .thenReturn(UpdateAliasResponse.builder().aliasArn(ARN + name + ":live").build());
    }

    static GetFunctionConfigurationResponse active(LastUpdateStatus status) {
        return GetFunctionConfigurationResponse.builder().state(State.ACTIVE).lastUpdateStatus(status).build();
    }

    /** An existing managed function with this code and the default settings of a 1024 MB, 10 s echo spec. */
    static GetFunctionResponse existing(String name, String codeSha256, Map<String, String> env) {
        return GetFunctionResponse.builder().configuration(FunctionConfiguration.builder().functionName(name)
                        .functionArn(ARN + name).state(State.ACTIVE).lastUpdateStatus(LastUpdateStatus.SUCCESSFUL)
                        .codeSha256(codeSha256).role(ROLE).runtime("python3.12").handler("mldeploy_lambda.handler")
                        .memorySize(1024).timeout(10).ephemeralStorage(e -> e.size(512))
                        .environment(e -> e.variables(env)).architectures(Architecture.X86_64).build())
                .tags(Map.of("mldeploy:managed", "true", "mldeploy:name", name)).build();
    }

    static GetAliasResponse alias(String name, String version, String specHash) {
        return GetAliasResponse.builder().name("live").functionVersion(version).aliasArn(ARN + name + ":live")
                .description("mldeploy:spec-hash=" + specHash).revisionId("alias-rev-" + version).build();
    }

    /** The alias as {@code alias} first; UpdateAlias moves it (so a deploy reading it back sees its move). */
    static void stubAlias(LambdaClient lambda, GetAliasResponse alias) {
        java.util.concurrent.atomic.AtomicReference<GetAliasResponse> current =
                new java.util.concurrent.atomic.AtomicReference<>(alias);
        when(lambda.getAlias(any(GetAliasRequest.class))).thenAnswer(inv -> current.get());
        when(lambda.updateAlias(any(UpdateAliasRequest.class))).thenAnswer(inv -> {
            UpdateAliasRequest r = inv.getArgument(0);
            current.set(current.get().toBuilder().functionVersion(r.functionVersion()).description(r.description())
                    .revisionId("alias-rev-" + r.functionVersion()).build());
            return UpdateAliasResponse.builder().aliasArn(alias.aliasArn()).functionVersion(r.functionVersion())
                    .build();
        });
    }
}
