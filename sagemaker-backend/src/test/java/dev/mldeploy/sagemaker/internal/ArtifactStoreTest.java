package dev.mldeploy.sagemaker.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.atLeast;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.aws.CallBudget;
import dev.mldeploy.bundle.SourceTree;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ServiceClientConfiguration;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

class ArtifactStoreTest {
    @TempDir
    Path tmp;
    private final S3Client s3 = Fixtures.sdkMock(S3Client.class);

    private static S3Exception notFound404() {
        return (S3Exception) NoSuchKeyException.builder().statusCode(404).build();
    }

    @Test
    void ensureBucket_whenMissingAndNotAskedToCreate_failsWithWhatToSet() {
        when(s3.headBucket(any(HeadBucketRequest.class))).thenThrow(NoSuchBucketException.builder().statusCode(404)
                .build());
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> new ArtifactStore(s3, new ModelPackager(1)).ensureBucket("models", false));
        assertTrue(e.getMessage().contains("MLDEPLOY_CREATE_BUCKET"), e.getMessage());
        verify(s3, never()).createBucket(any(CreateBucketRequest.class));
    }

    @Test
    void ensureBucket_whenMissingAndAskedToCreate_createsItInTheClientsRegion() {
        when(s3.headBucket(any(HeadBucketRequest.class))).thenThrow(NoSuchBucketException.builder().statusCode(404)
                .build());
        when(s3.serviceClientConfiguration()).thenReturn(S3ServiceClientConfiguration.builder()
                .region(Region.EU_WEST_1).build());
        new ArtifactStore(s3, new ModelPackager(1)).ensureBucket("models", true);
        verify(s3).createBucket(org.mockito.ArgumentMatchers.<CreateBucketRequest>argThat(r ->
                r.bucket().equals("models") && r.createBucketConfiguration().locationConstraintAsString()
                        .equals("eu-west-1")));
    }

    @Test
    void upload_whenTheArtifactIsThere_skipsTheUpload() throws Exception {
        when(s3.headObject(any(HeadObjectRequest.class))).thenReturn(HeadObjectResponse.builder().build());
        ArtifactStore.Artifact a = new ArtifactStore(s3, new ModelPackager(1))
                .upload(SourceTree.of(Fixtures.model(tmp.resolve("m"), "w")), "models", "mldeploy", "m", false);
        assertFalse(a.uploaded());
        assertTrue(a.s3Uri().matches("s3://models/mldeploy/m/[0-9a-f]{32}/model.tar.gz"), a.s3Uri());
        verify(s3, never()).putObject(any(PutObjectRequest.class), any(RequestBody.class));
    }

    @Test
    void upload_smallModel_isOnePutOfTheDeterministicArchive() throws Exception {
        Path model = Fixtures.model(tmp.resolve("m"), "w");
        when(s3.headObject(any(HeadObjectRequest.class))).thenThrow(notFound404());
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        when(s3.putObject(any(PutObjectRequest.class), any(RequestBody.class))).thenAnswer(inv -> {
            ((RequestBody) inv.getArgument(1)).contentStreamProvider().newStream().transferTo(sent);
            return null;
        });
        ArtifactStore.Artifact a = new ArtifactStore(s3, new ModelPackager(1))
                .upload(SourceTree.of(model), "models", "mldeploy", "m", false);
        assertTrue(a.uploaded());
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        new ModelPackager(1).writeTarGz(SourceTree.of(model), expected);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected.toByteArray(), sent.toByteArray());
        verify(s3, never()).createMultipartUpload(any(CreateMultipartUploadRequest.class));
    }

    @Test
    void upload_largeModel_isAMultipartUploadWhosePartsReassembleTheArchive() throws Exception {
        Path model = Fixtures.model(tmp.resolve("m"), "w");
        byte[] noise = new byte[13 * 1024 * 1024];
        new Random(7).nextBytes(noise);
        Files.write(model.resolve("weights.bin"), noise);
        when(s3.headObject(any(HeadObjectRequest.class))).thenThrow(notFound404());
        when(s3.createMultipartUpload(any(CreateMultipartUploadRequest.class)))
                .thenReturn(CreateMultipartUploadResponse.builder().uploadId("u1").build());
        Map<Integer, byte[]> parts = new TreeMap<>();
        when(s3.uploadPart(any(UploadPartRequest.class), any(RequestBody.class))).thenAnswer(inv -> {
            UploadPartRequest r = inv.getArgument(0);
            byte[] b = ((RequestBody) inv.getArgument(1)).contentStreamProvider().newStream().readAllBytes();
            synchronized (parts) {
                parts.put(r.partNumber(), b);
            }
            return UploadPartResponse.builder().eTag("e" + r.partNumber()).build();
        });

        ArtifactStore store = new ArtifactStore(s3, new ModelPackager(0), 5 * 1024 * 1024, 2);
        ArtifactStore.Artifact a = store.upload(SourceTree.of(model), "models", "mldeploy", "m", false);

        assertTrue(parts.size() >= 3, "parts: " + parts.size());
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        parts.values().forEach(joined::writeBytes);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        new ModelPackager(0).writeTarGz(SourceTree.of(model), expected);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected.toByteArray(), joined.toByteArray());
        assertEquals(expected.size(), a.bytes());
        verify(s3).completeMultipartUpload(org.mockito.ArgumentMatchers.<CompleteMultipartUploadRequest>argThat(r ->
                r.multipartUpload().parts().size() == parts.size()
                        && r.multipartUpload().parts().get(0).partNumber() == 1));
        store.close();
    }

    @Test
    void upload_whenAPartFails_abortsTheMultipartUpload() throws Exception {
        Path model = Fixtures.model(tmp.resolve("m"), "w");
        byte[] noise = new byte[12 * 1024 * 1024];
        new Random(7).nextBytes(noise);
        Files.write(model.resolve("weights.bin"), noise);
        when(s3.headObject(any(HeadObjectRequest.class))).thenThrow(notFound404());
        when(s3.createMultipartUpload(any(CreateMultipartUploadRequest.class)))
                .thenReturn(CreateMultipartUploadResponse.builder().uploadId("u1").build());
        when(s3.uploadPart(any(UploadPartRequest.class), any(RequestBody.class)))
                .thenThrow(S3Exception.builder().statusCode(500).message("boom").build());

        ArtifactStore store = new ArtifactStore(s3, new ModelPackager(0), 5 * 1024 * 1024, 2);
        assertThrows(RuntimeException.class, () -> store.upload(SourceTree.of(model), "models", "mldeploy", "m",
                false));
        verify(s3, atLeast(1)).abortMultipartUpload(any(AbortMultipartUploadRequest.class));
        verify(s3, never()).completeMultipartUpload(any(CompleteMultipartUploadRequest.class));
        store.close();
    }

    @Test
    void upload_uncompressed_putsEachFileUnderModelPrefixThenTheMarker() throws Exception {
        Path model = Fixtures.model(tmp.resolve("m"), "w");
        when(s3.headObject(any(HeadObjectRequest.class))).thenThrow(notFound404());
        java.util.List<String> keys = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        when(s3.putObject(any(PutObjectRequest.class), any(RequestBody.class))).thenAnswer(inv -> {
            keys.add(((PutObjectRequest) inv.getArgument(0)).key());
            return null;
        });
        ArtifactStore.Artifact a = new ArtifactStore(s3, new ModelPackager(1))
                .upload(SourceTree.of(model), "models", "mldeploy", "m", true);
        assertTrue(a.uncompressed());
        assertTrue(a.s3Uri().endsWith("/model/"), a.s3Uri());
        String prefix = a.s3Uri().substring("s3://models/".length());
        assertTrue(keys.contains(prefix + "code/inference.py"), keys.toString());
        assertTrue(keys.contains(prefix + "code/mldeploy_serve.py"), keys.toString());
        assertTrue(keys.get(keys.size() - 1).endsWith("/model.complete"), keys.toString());
    }

    @Test
    void writeTarGz_toAMissingDirectory_failsWithTheFile() {
        assertThrows(UncheckedIOException.class, () -> new ModelPackager(1).writeTarGz(
                SourceTree.of(Fixtures.model(tmp.resolve("m"), "w")), tmp.resolve("missing/dir")));
    }


    @Test
    void abortUploads_abortsEveryIncompleteUploadUnderThePrefixAcrossPages() {
        when(s3.listMultipartUploads(any(software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest.class)))
                .thenReturn(software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse.builder()
                        .uploads(u -> u.key("mldeploy/m/k1/model.tar.gz").uploadId("u1")).isTruncated(true)
                        .nextKeyMarker("mldeploy/m/k1/model.tar.gz").nextUploadIdMarker("u1").build())
                .thenReturn(software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse.builder()
                        .uploads(u -> u.key("mldeploy/m/k2/model/w.bin").uploadId("u2")).isTruncated(false).build());

        assertEquals(2, new ArtifactStore(s3, new ModelPackager(1)).abortUploads("models", "mldeploy/m/"));

        verify(s3).abortMultipartUpload(org.mockito.ArgumentMatchers.<AbortMultipartUploadRequest>argThat(r ->
                r.uploadId().equals("u1") && r.key().equals("mldeploy/m/k1/model.tar.gz")));
        verify(s3).abortMultipartUpload(org.mockito.ArgumentMatchers.<AbortMultipartUploadRequest>argThat(r ->
                r.uploadId().equals("u2")));
        verify(s3).listMultipartUploads(org.mockito.ArgumentMatchers
                .<software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest>argThat(r ->
                        "mldeploy/m/".equals(r.prefix()) && "u1".equals(r.uploadIdMarker())));
    }

    @Test
    void deleteArtifact_removesTheContentKeysFolderOnly() {
        when(s3.listObjectsV2(any(software.amazon.awssdk.services.s3.model.ListObjectsV2Request.class)))
                .thenReturn(software.amazon.awssdk.services.s3.model.ListObjectsV2Response.builder().build());
        ArtifactStore store = new ArtifactStore(s3, new ModelPackager(1));

        store.deleteArtifact(new ArtifactStore.Artifact("s3://models/mldeploy/m/k1/model.tar.gz", false, true, 1));
        store.deleteArtifact(new ArtifactStore.Artifact("s3://models/mldeploy/m/k2/model/", true, true, 1));

        verify(s3).listObjectsV2(org.mockito.ArgumentMatchers
                .<software.amazon.awssdk.services.s3.model.ListObjectsV2Request>argThat(r ->
                        r.prefix().equals("mldeploy/m/k1/")));
        verify(s3).listObjectsV2(org.mockito.ArgumentMatchers
                .<software.amazon.awssdk.services.s3.model.ListObjectsV2Request>argThat(r ->
                        r.prefix().equals("mldeploy/m/k2/")));
    }

    @Test
    void upload_underADeadline_putsTheTimeLeftOnEveryPartAndTheCompletion() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("big"));
        byte[] weights = new byte[12 * 1024 * 1024];
        new Random(1).nextBytes(weights);
        Files.write(dir.resolve("w.bin"), weights);
        Files.writeString(dir.resolve("inference.py"), "x = 1\n");
        when(s3.headObject(any(HeadObjectRequest.class))).thenThrow(notFound404());
        when(s3.createMultipartUpload(any(CreateMultipartUploadRequest.class)))
                .thenReturn(CreateMultipartUploadResponse.builder().uploadId("u").build());
        when(s3.uploadPart(any(UploadPartRequest.class), any(RequestBody.class)))
                .thenReturn(UploadPartResponse.builder().eTag("e").build());
        java.util.List<software.amazon.awssdk.awscore.AwsRequest> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        when(s3.uploadPart(any(UploadPartRequest.class), any(RequestBody.class))).thenAnswer(inv -> {
            sent.add(inv.getArgument(0));
            return UploadPartResponse.builder().eTag("e").build();
        });
        when(s3.completeMultipartUpload(any(CompleteMultipartUploadRequest.class))).thenAnswer(inv -> {
            sent.add(inv.getArgument(0));
            return null;
        });
        ArtifactStore store = new ArtifactStore(s3, new ModelPackager(1), 5 * 1024 * 1024, 2);
        dev.mldeploy.spi.DeployContext ctx = Fixtures.context(new java.util.ArrayList<>(),
                java.time.Duration.ofMinutes(3));

        try (CallBudget.Scope b = CallBudget.open(CallBudget.of(ctx))) {
            store.upload(SourceTree.of(dir), "models", "mldeploy", "m", false);
        }

        assertTrue(sent.size() >= 3, sent.toString());
        for (var r : sent) {
            java.time.Duration call = r.overrideConfiguration().orElseThrow().apiCallTimeout().orElseThrow();
            assertTrue(call.compareTo(java.time.Duration.ofMinutes(3)) <= 0, r + ": " + call);
        }
        store.close();
    }
}
