package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InferenceResponse;
import dev.mldeploy.InvocationException;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelErrorException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/**
 * Invocations through the core InferenceClient against the emulator. moto without Docker does not run the handler:
 * it returns queued results, so each test queues the envelope the handler would answer. moto reports a function
 * error only for an oversized answer (Unhandled); a Handled error is marked on the emulator's real answer by an
 * interceptor that adds the {@code X-Amz-Function-Error} header.
 */
@ExtendWith(AwsEndpointExtension.class)
class LambdaInvokeIT {
    @TempDir
    Path dir;
    LambdaFixtures fx;
    ModelDeployer deployer;
    final FunctionErrorMarker marker = new FunctionErrorMarker();

    /** Adds X-Amz-Function-Error to the next Invoke answer when armed. */
    static final class FunctionErrorMarker implements ExecutionInterceptor {
        volatile String functionError;

        @Override
        public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attrs) {
            String mark = functionError;
            if (mark != null && "Invoke".equals(attrs.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
                functionError = null;
                return context.httpResponse().toBuilder().putHeader("X-Amz-Function-Error", mark).build();
            }
            return context.httpResponse();
        }
    }

    @BeforeEach
    void setUp(AwsEndpoint aws) {
        aws.assumeSupports("lambda");
        fx = new LambdaFixtures(aws, marker);
        deployer = ModelDeployer.builder().provider(LambdaTargetProvider.of(fx.target().createRole(true).build())).defaultTarget("lambda")
                .discoverProviders(false).environment(aws.environment()).build();
        deployer.deploy(ModelSpec.builder("inv").source(LambdaFixtures.echoModel(dir, "inv")).build(),
                DeployOptions.builder().timeout(Duration.ofMinutes(2)).build());
    }

    @AfterEach
    void tearDown() {
        try {
            deployer.undeploy("inv");
            assertEquals(List.of(), fx.functions());
        } finally {
            deployer.close();
            fx.close();
        }
    }

    @Test
    void invoke_sendsTheEnvelopeToTheAlias_andUnwrapsTheAnswer() {
        fx.aws.queueLambdaResults(List.of(LambdaFixtures.envelope("{\"ok\": true}")));
        try (InferenceClient c = deployer.client("inv")) {
            InferenceResponse r = c.invoke(InferenceRequest.json("{\"text\": \"hi\"}"));
            assertEquals("{\"ok\": true}", r.bodyAsString());
            assertEquals("application/json", r.contentType());
        }
        // with nothing queued moto echoes the payload: what the handler receives
        try (InferenceClient c = deployer.client("inv")) {
            String echoed = c.invoke(InferenceRequest.json("{\"text\": \"hi\"}")).bodyAsString();
            assertEquals("{\"text\": \"hi\"}", echoed, "the envelope carried the body as text");
        }
    }

    @Test
    void invoke_withBinaryBody_roundTripsBytesAndContentType() {
        byte[] bytes = {(byte) 0xff, 0, 1, (byte) 0x80};
        fx.aws.queueLambdaResults(List.of("{\"statusCode\": 200, \"body\": \""
                + Base64.getEncoder().encodeToString(bytes)
                + "\", \"isBase64Encoded\": true, \"contentType\": \"application/x-npy\"}"));
        try (InferenceClient c = deployer.client("inv")) {
            InferenceResponse r = c.invoke(InferenceRequest.builder().body(bytes).contentType("application/x-npy")
                    .accept("application/x-npy").build());
            assertArrayEquals(bytes, r.body());
            assertEquals("application/x-npy", r.contentType());
        }
    }

    @Test
    void invoke_whenFunctionErrorHandled_throwsModelErrorWithPythonTypeAndMessage() {
        fx.aws.queueLambdaResults(List.of("{\"errorType\": \"ValueError\", \"errorMessage\": \"asked to fail: yes\","
                + " \"stackTrace\": []}"));
        marker.functionError = "Handled";
        try (InferenceClient c = deployer.client("inv")) {
            ModelErrorException e = assertThrows(ModelErrorException.class,
                    () -> c.invoke(InferenceRequest.json("{\"fail\": \"yes\"}")));
            assertEquals("ValueError", e.errorType());
            assertEquals("asked to fail: yes", e.errorMessage());
            assertEquals("lambda", e.target());
        }
    }

    @Test
    void invoke_whenTheHandlerAnswersA4xxEnvelope_throwsBadRequestNotAModelError() {
        // what mldeploy_lambda.handler answers for a body it cannot decode: no function error, the status inside
        fx.aws.queueLambdaResults(List.of("{\"statusCode\": 400, \"isBase64Encoded\": false, \"contentType\": "
                + "\"application/json\", \"errorType\": \"MalformedRequest\", \"body\": \"{\\\"errorType\\\": "
                + "\\\"MalformedRequest\\\", \\\"errorMessage\\\": \\\"the request body is not valid JSON\\\", "
                + "\\\"statusCode\\\": 400}\"}"));
        try (InferenceClient c = deployer.client("inv")) {
            dev.mldeploy.BadRequestException e = assertThrows(dev.mldeploy.BadRequestException.class,
                    () -> c.invoke(InferenceRequest.json("{nope")));
            assertEquals(400, e.statusCode().orElseThrow());
            assertEquals("MalformedRequest", e.errorType());
            assertEquals("the request body is not valid JSON", e.reason());
            assertEquals("lambda", e.target());
        }
    }

    @Test
    void invoke_whenFunctionErrorUnhandled_throwsModelError() {
        // moto's own Unhandled path: an answer over 6 MB
        fx.aws.queueLambdaResults(List.of("x".repeat(6_100_000)));
        try (InferenceClient c = deployer.client("inv")) {
            ModelErrorException e = assertThrows(ModelErrorException.class,
                    () -> c.invoke(InferenceRequest.json("{\"text\": \"hi\"}")));
            assertEquals("Function.ResponseSizeTooLarge", e.errorType());
            assertTrue(e.errorMessage().contains("payload size"), e.errorMessage());
        }
    }

    @Test
    void invoke_whenThrottled_theSdkRetriesAndAnswers_withNoLoopOfMldeploysOwn() {
        fx.faults.failNext("Invoke", 2, () -> (TooManyRequestsException) TooManyRequestsException.builder()
                .statusCode(429).retryAfterSeconds("0").awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("TooManyRequestsException").errorMessage("Rate exceeded").build()).build());
        fx.aws.queueLambdaResults(List.of(LambdaFixtures.envelope("{\"ok\": 1}")));
        try (InferenceClient c = deployer.client("inv")) {
            assertEquals("{\"ok\": 1}", c.invoke(InferenceRequest.json("{}")).bodyAsString());
        }
        assertEquals(1, fx.faults.count("Invoke"), "one API call: " + fx.faults.calls());
        assertEquals(3, fx.faults.attempts("Invoke"), "two throttled attempts retried by the SDK, then the answer");
    }

    @Test
    void invoke_whenNotAnEnvelope_throwsInvocationException() {
        fx.aws.queueLambdaResults(List.of("[1, 2, 3]"));
        try (InferenceClient c = deployer.client("inv")) {
            InvocationException e = assertThrows(InvocationException.class,
                    () -> c.invoke(InferenceRequest.json("{}")));
            assertTrue(e.getMessage().contains("envelope"), e.getMessage());
        }
    }
}
