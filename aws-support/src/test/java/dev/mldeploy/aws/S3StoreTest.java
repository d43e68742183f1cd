package dev.mldeploy.aws;

import static dev.mldeploy.aws.SdkMocks.awsError;
import static dev.mldeploy.aws.SdkMocks.sdkMock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.MlDeployException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ServiceClientConfiguration;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

class S3StoreTest {
    private final S3Client s3 = sdkMock(S3Client.class);
    private final S3Store store = new S3Store(s3, "FooTarget.builder()", 2);

    @AfterEach
    void close() {
        store.close();
    }

    private void inRegion(Region region) {
        when(s3.serviceClientConfiguration()).thenReturn(S3ServiceClientConfiguration.builder().region(region).build());
    }

    private void bucketMissing() {
        when(s3.headBucket(any(HeadBucketRequest.class))).thenThrow(awsError(404, "NoSuchBucket", "gone"));
    }

    @Test
    void ensureBucket_whenMissingOutsideUsEast1_createsItWithTheRegionAsLocationConstraint() {
        bucketMissing();
        inRegion(Region.EU_WEST_1);
        AtomicBoolean announced = new AtomicBoolean();

        assertTrue(store.ensureBucket("models", true, () -> announced.set(true)));

        assertTrue(announced.get());
        verify(s3).createBucket(argThat((CreateBucketRequest r) -> r.bucket().equals("models")
                && r.createBucketConfiguration().locationConstraintAsString().equals("eu-west-1")));
    }

    @Test
    void ensureBucket_whenMissingInUsEast1_createsItWithoutALocationConstraint() {
        bucketMissing();
        inRegion(Region.US_EAST_1);

        store.ensureBucket("models", true, () -> { });

        verify(s3).createBucket(argThat((CreateBucketRequest r) -> r.createBucketConfiguration() == null));
    }

    @Test
    void ensureBucket_whenMissingAndNotAllowedToCreate_saysWhatToSetAndCreatesNothing() {
        bucketMissing();

        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> store.ensureBucket("models", false, () -> { }));

        assertTrue(e.getMessage().contains("MLDEPLOY_CREATE_BUCKET"), e.getMessage());
        verify(s3, never()).createBucket(any(CreateBucketRequest.class));
    }

    @Test
    void ensureBucket_whenAnotherAccountsBucket_isAConfigurationErrorAndCreatesNothing() {
        when(s3.headBucket(any(HeadBucketRequest.class))).thenThrow(awsError(403, "", "Forbidden"));

        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> store.ensureBucket("models", true, () -> { }));

        assertTrue(e.getMessage().contains("403"), e.getMessage());
        verify(s3, never()).createBucket(any(CreateBucketRequest.class));
    }

    @Test
    void putIfAbsent_whenTheKeyIsThere_uploadsNothing() {
        when(s3.headObject(any(HeadObjectRequest.class))).thenReturn(HeadObjectResponse.builder().build());

        assertFalse(store.putIfAbsent("b", "k/sha.zip", RequestBody.fromString("x"), "application/zip"));

        verify(s3, never()).putObject(any(PutObjectRequest.class), any(RequestBody.class));
    }

    @Test
    void putIfAbsent_whenTheKeyIsMissing_putsItWithItsLengthAndTypeWithinTheBudget() {
        when(s3.headObject(any(HeadObjectRequest.class))).thenThrow(awsError(404, "NotFound", ""));

        try (CallBudget.Scope s = CallBudget.open(CallBudget.perCall(java.time.Duration.ofSeconds(9), "x"))) {
            assertTrue(store.putIfAbsent("b", "k/sha.zip", RequestBody.fromString("xyz"), "application/zip"));
        }

        verify(s3).putObject(argThat((PutObjectRequest r) -> r.key().equals("k/sha.zip") && r.contentLength() == 3
                && r.contentType().equals("application/zip")
                && r.overrideConfiguration().orElseThrow().apiCallTimeout().orElseThrow().getSeconds() == 9),
                any(RequestBody.class));
    }

    @Test
    void deleteAll_deletesEveryPageInBatchesOfAtMostAThousand() {
        List<S3Object> first = IntStream.range(0, 1000).mapToObj(i -> S3Object.builder().key("p/" + i).build())
                .toList();
        when(s3.listObjectsV2(any(ListObjectsV2Request.class))).thenReturn(
                ListObjectsV2Response.builder().contents(first).isTruncated(true).nextContinuationToken("t").build(),
                ListObjectsV2Response.builder().contents(S3Object.builder().key("p/last").build()).build());
        when(s3.deleteObjects(any(DeleteObjectsRequest.class))).thenReturn(DeleteObjectsResponse.builder().build());

        assertEquals(1001, store.deleteAll("b", "p/"));

        verify(s3, times(2)).deleteObjects(any(DeleteObjectsRequest.class));
        verify(s3).listObjectsV2(argThat((ListObjectsV2Request r) -> "t".equals(r.continuationToken())));
    }

    @Test
    void deleteAll_whenTheBucketIsMissing_countsNothing() {
        when(s3.listObjectsV2(any(ListObjectsV2Request.class))).thenThrow(awsError(404, "NoSuchBucket", "gone"));

        assertEquals(0, store.deleteAll("b", "p/"));
    }

    @Test
    void abortUploads_abortsEveryIncompleteUploadUnderThePrefixAcrossPages() {
        when(s3.listMultipartUploads(any(ListMultipartUploadsRequest.class))).thenReturn(
                ListMultipartUploadsResponse.builder().uploads(MultipartUpload.builder().key("p/a").uploadId("1")
                        .build()).isTruncated(true).nextKeyMarker("p/a").nextUploadIdMarker("1").build(),
                ListMultipartUploadsResponse.builder().uploads(MultipartUpload.builder().key("p/b").uploadId("2")
                        .build()).build());

        assertEquals(2, store.abortUploads("b", "p/"));

        verify(s3).abortMultipartUpload(argThat((AbortMultipartUploadRequest r) -> r.uploadId().equals("2")));
        verify(s3).listMultipartUploads(argThat((ListMultipartUploadsRequest r) -> "p/a".equals(r.keyMarker())
                && r.prefix().equals("p/")));
    }

    @Test
    void abortUploads_whenTheBucketIsMissing_countsNothing() {
        when(s3.listMultipartUploads(any(ListMultipartUploadsRequest.class)))
                .thenThrow(awsError(404, "NoSuchBucket", "gone"));

        assertEquals(0, store.abortUploads("b", "p/"));
    }

    @Test
    void openUpload_whenAPartFails_abortsTheMultipartUpload() throws IOException {
        when(s3.createMultipartUpload(any(CreateMultipartUploadRequest.class)))
                .thenReturn(CreateMultipartUploadResponse.builder().uploadId("u1").build());
        when(s3.uploadPart(any(UploadPartRequest.class), any(RequestBody.class)))
                .thenThrow(awsError(500, "InternalError", "boom"));
        int part = (int) S3Store.MIN_PART_BYTES;
        MultipartUploadStream out = store.openUpload("b", "k", part, CallBudget.unbounded());

        assertThrows(RuntimeException.class, () -> {
            out.write(new byte[part * 2 + 1]);
            out.close();
        });

        verify(s3).abortMultipartUpload(argThat((AbortMultipartUploadRequest r) -> r.uploadId().equals("u1")));
    }

    @Test
    void openUpload_whenThePartSizeIsBelowS3sMinimum_refusesBeforeAnyCall() {
        assertThrows(IllegalArgumentException.class, () -> store.openUpload("b", "k", 1024, CallBudget.unbounded()));
    }

    @Test
    void put_whenS3Fails_translatesTheError() {
        when(s3.putObject(any(PutObjectRequest.class), any(RequestBody.class)))
                .thenThrow(awsError(403, "AccessDenied", "no"));

        MlDeployException e = assertThrows(MlDeployException.class,
                () -> store.put("b", "k", RequestBody.fromString("x"), null));

        assertTrue(e instanceof InvalidConfigurationException && e.getMessage().contains("s3://b/k"), e.getMessage());
    }
}
