package dev.mldeploy.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;

@ExtendWith(AwsEndpointExtension.class)
class AwsEndpointExtensionIT {

    private static S3Client s3(AwsEndpoint aws, FaultInjector faults) {
        return S3Client.builder().endpointOverride(aws.endpoint()).region(Region.of(aws.region()))
                .credentialsProvider(aws.credentialsProvider()).forcePathStyle(true)
                .overrideConfiguration(o -> o.addExecutionInterceptor(faults)).build();
    }

    @Test
    void endpoint_isOnLoopback_andAnswersS3(AwsEndpoint aws) {
        assertEquals("127.0.0.1", aws.endpoint().getHost());
        try (S3Client s3 = s3(aws, new FaultInjector())) {
            s3.createBucket(b -> b.bucket("probe"));
            assertEquals(List.of("probe"), s3.listBuckets().buckets().stream().map(b -> b.name()).toList());
        }
    }

    @Test
    void reset_forgetsEveryResource(AwsEndpoint aws) {
        try (S3Client s3 = s3(aws, new FaultInjector())) {
            s3.createBucket(b -> b.bucket("to-forget"));
            aws.reset();
            assertTrue(s3.listBuckets().buckets().isEmpty());
        }
    }

    @Test
    void faultInjector_throttlingIsRetriedBySdk_andRecordsOneCall(AwsEndpoint aws) {
        FaultInjector faults = new FaultInjector();
        faults.failNext("CreateBucket", 2, () -> (S3Exception) S3Exception.builder().statusCode(503)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("SlowDown").errorMessage("injected").build())
                .build());
        try (S3Client s3 = s3(aws, faults)) {
            s3.createBucket(b -> b.bucket("retried"));
            assertEquals(1, faults.count("CreateBucket"));
            assertEquals(3, faults.attempts("CreateBucket"));
            assertTrue(s3.listBuckets().buckets().stream().anyMatch(b -> b.name().equals("retried")));
            assertEquals(List.of("CreateBucket"), faults.mutatingCalls());
        }
    }

    @Test
    void faultInjector_validationErrorIsNotRetried_andNeverReachesEndpoint(AwsEndpoint aws) {
        FaultInjector faults = new FaultInjector();
        faults.failNext("CreateModel", 1, () -> (SageMakerException) SageMakerException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ValidationException")
                        .errorMessage("injected").build()).build());
        try (SageMakerClient sm = SageMakerClient.builder().endpointOverride(aws.endpoint())
                .region(Region.of(aws.region())).credentialsProvider(aws.credentialsProvider())
                .overrideConfiguration(o -> o.addExecutionInterceptor(faults)).build()) {
            SageMakerException e = assertThrows(SageMakerException.class, () -> sm.createModel(b -> b
                    .modelName("m").executionRoleArn("arn:aws:iam::123456789012:role/r")
                    .primaryContainer(c -> c.image("img"))));
            assertEquals("ValidationException", e.awsErrorDetails().errorCode());
            assertEquals(1, faults.attempts("CreateModel"));
            assertTrue(sm.listModels(b -> { }).models().isEmpty(), "the faulted call must not reach the endpoint");
        }
    }

    @Test
    void queuedSageMakerResult_isReturnedByInvokeEndpoint(AwsEndpoint aws) throws Exception {
        aws.queueSageMakerResults(List.of(Map.of("Body", "{\"label\":\"positive\"}", "ContentType",
                "application/json")));
        try (var rt = software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeClient.builder()
                .endpointOverride(aws.endpoint()).region(Region.of(aws.region()))
                .credentialsProvider(aws.credentialsProvider()).build()) {
            var r = rt.invokeEndpoint(b -> b.endpointName("any").contentType("application/json")
                    .body(SdkBytes.fromUtf8String("{\"text\":\"x\"}")));
            assertEquals("{\"label\":\"positive\"}", r.body().asUtf8String());
        }
    }

    @Test
    void lambdaRunsWithoutDocker_afterReset(AwsEndpoint aws) throws Exception {
        assertFalse(aws.endpoint().toString().isEmpty());
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(aws.endpoint() + "/moto-api/config")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(r.body().replace(" ", "").contains("\"use_docker\":false"), r.body());
    }
}
