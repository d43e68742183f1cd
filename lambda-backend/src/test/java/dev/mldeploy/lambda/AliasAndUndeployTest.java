package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import dev.mldeploy.ConflictException;
import dev.mldeploy.Deployment;
import dev.mldeploy.NoPreviousVersionException;
import dev.mldeploy.RollbackResult;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.DeploymentNotFoundException;
import dev.mldeploy.DeploymentStatus;
import dev.mldeploy.ProgressListener;
import dev.mldeploy.lambda.internal.LambdaDeploymentTarget;
import dev.mldeploy.spi.DeployContext;
import dev.mldeploy.spi.TargetContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateAliasRequest;
import software.amazon.awssdk.services.lambda.model.DeleteAliasRequest;
import software.amazon.awssdk.services.lambda.model.GetAliasResponse;
import software.amazon.awssdk.services.lambda.model.DeleteFunctionRequest;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetAliasRequest;
import software.amazon.awssdk.services.lambda.model.GetFunctionRequest;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.ListFunctionsRequest;
import software.amazon.awssdk.services.lambda.model.ListFunctionsResponse;
import software.amazon.awssdk.services.lambda.model.ListTagsRequest;
import software.amazon.awssdk.services.lambda.model.ListTagsResponse;
import software.amazon.awssdk.services.lambda.model.ListVersionsByFunctionRequest;
import software.amazon.awssdk.services.lambda.model.ListVersionsByFunctionResponse;
import software.amazon.awssdk.services.lambda.model.UpdateAliasRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Rollback, describe, list and undeploy with mocked clients. */
class AliasAndUndeployTest {
    final LambdaClient lambda = MockLambda.lambda();
    final IamClient iam = MockLambda.iam();
    final S3Client s3 = MockLambda.s3();

    private LambdaDeploymentTarget target(LambdaTarget.Builder b) {
        return LambdaDeploymentTarget.create(b.lambdaClient(lambda).iamClient(iam).s3Client(s3).build().settings(),
                new TargetContext(Map.of()));
    }

    private static DeployContext ctx(String name) {
        return DeployContext.of(name, "lambda", ProgressListener.none(), Duration.ofSeconds(10));
    }

    private static FunctionConfiguration version(String v, String hash) {
        return FunctionConfiguration.builder().version(v).description("mldeploy:spec-hash=" + hash).build();
    }

    @Test
    void rollback_movesAliasToThePreviousVersion_withItsSpecHash() {
        when(lambda.getFunction(any(GetFunctionRequest.class))).thenReturn(MockLambda.existing("rb", "sha", Map.of()));
        MockLambda.stubAlias(lambda, MockLambda.alias("rb", "3", "hash3"));
        when(lambda.listVersionsByFunction(any(ListVersionsByFunctionRequest.class))).thenReturn(
                ListVersionsByFunctionResponse.builder().versions(version("$LATEST", "x"), version("1", "hash1"),
                        version("2", "hash2"), version("3", "hash3")).build());
        RollbackResult r;
        try (LambdaDeploymentTarget t = target(LambdaTarget.builder())) {
            r = t.rollback("rb", ctx("rb"));
        }
        ArgumentCaptor<UpdateAliasRequest> alias = ArgumentCaptor.forClass(UpdateAliasRequest.class);
        verify(lambda).updateAlias(alias.capture());
        assertEquals("live", alias.getValue().name());
        assertEquals("2", alias.getValue().functionVersion());
        assertEquals("mldeploy:spec-hash=hash2", alias.getValue().description());
        assertEquals(MockLambda.alias("rb", "3", "hash3").revisionId(), alias.getValue().revisionId(),
                "the move is conditional on the alias as read");
        assertEquals("3", r.fromVersion());
        assertEquals("2", r.toVersion());
        // under the deploy lease, given back after
        ArgumentCaptor<CreateAliasRequest> lease = ArgumentCaptor.forClass(CreateAliasRequest.class);
        verify(lambda).createAlias(lease.capture());
        assertEquals("mldeploy-deploying", lease.getValue().name());
        ArgumentCaptor<DeleteAliasRequest> released = ArgumentCaptor.forClass(DeleteAliasRequest.class);
        verify(lambda).deleteAlias(released.capture());
        assertEquals("mldeploy-deploying", released.getValue().name());
    }

    @Test
    void rollback_whenAnotherDeployHoldsTheLease_failsWithConflictWithoutMovingTheAlias() {
        when(lambda.getFunction(any(GetFunctionRequest.class))).thenReturn(MockLambda.existing("busy", "sha", Map.of()));
        when(lambda.createAlias(any(CreateAliasRequest.class))).thenThrow(
                software.amazon.awssdk.services.lambda.model.ResourceConflictException.builder().statusCode(409)
                        .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                                .errorCode("ResourceConflictException").errorMessage("Alias already exists").build())
                        .build());
        when(lambda.getAlias(any(GetAliasRequest.class))).thenReturn(GetAliasResponse.builder()
                .name("mldeploy-deploying").functionVersion("$LATEST").revisionId("lease-rev")
                .description("mldeploy deploy lease other until " + java.time.Instant.now().plusSeconds(240)).build());
        try (LambdaDeploymentTarget t = target(LambdaTarget.builder())) {
            ConflictException e = assertThrows(ConflictException.class, () -> t.rollback("busy", ctx("busy")));
            assertTrue(e.getMessage().contains("deploy lease"), e.getMessage());
        }
        verify(lambda, never()).updateAlias(any(UpdateAliasRequest.class));
    }

    @Test
    void rollback_whenNoEarlierVersion_failsWithoutMovingTheAlias() {
        when(lambda.getFunction(any(GetFunctionRequest.class))).thenReturn(MockLambda.existing("one", "sha", Map.of()));
        MockLambda.stubAlias(lambda, MockLambda.alias("one", "1", "hash1"));
        when(lambda.listVersionsByFunction(any(ListVersionsByFunctionRequest.class))).thenReturn(
                ListVersionsByFunctionResponse.builder().versions(version("1", "hash1")).build());
        try (LambdaDeploymentTarget t = target(LambdaTarget.builder())) {
            NoPreviousVersionException e = assertThrows(NoPreviousVersionException.class,
                    () -> t.rollback("one", ctx("one")));
            assertTrue(e.getMessage().contains("no version before 1; nothing to roll back to"), e.getMessage());
        }
        verify(lambda, never()).updateAlias(any(UpdateAliasRequest.class));
    }

    @Test
    void rollback_whenUnknown_throwsNotFound() {
        when(lambda.getFunction(any(GetFunctionRequest.class))).thenThrow(MockLambda.notFound());
        try (LambdaDeploymentTarget t = target(LambdaTarget.builder())) {
            assertThrows(DeploymentNotFoundException.class, () -> t.rollback("nope", ctx("nope")));
        }
    }

    @Test
    void describe_whenLastUpdateFailed_isInServiceOnTheAliasVersion_andSaysSo() {
        GetFunctionResponse f = MockLambda.existing("half", "sha", Map.of());
        when(lambda.getFunction(any(GetFunctionRequest.class))).thenReturn(f.toBuilder().configuration(
                f.configuration().toBuilder().lastUpdateStatus(LastUpdateStatus.FAILED)
                        .lastUpdateStatusReason("bad zip").build()).build());
        MockLambda.stubAlias(lambda, MockLambda.alias("half", "5", "h5"));
        try (LambdaDeploymentTarget t = target(LambdaTarget.builder())) {
            Deployment d = t.describe("half").orElseThrow();
            assertEquals(DeploymentStatus.IN_SERVICE, d.status());
            assertTrue(d.statusReason().contains("bad zip") && d.statusReason().contains("version 5"),
                    d.statusReason());
            assertEquals("h5", d.specHash());
            assertEquals("5", d.attributes().get("version"));
        }
    }

    @Test
    void describe_whenNoAliasYet_isCreating() {
        when(lambda.getFunction(any(GetFunctionRequest.class))).thenReturn(MockLambda.existing("mid", "sha", Map.of()));
        when(lambda.getAlias(any(GetAliasRequest.class))).thenThrow(MockLambda.notFound());
        try (LambdaDeploymentTarget t = target(LambdaTarget.builder())) {
            assertEquals(DeploymentStatus.CREATING, t.describe("mid").orElseThrow().status());
        }
    }

    @Test
    void list_showsOnlyFunctionsTaggedByMldeploy() {
        when(lambda.listFunctions(any(ListFunctionsRequest.class))).thenReturn(ListFunctionsResponse.builder()
                .functions(FunctionConfiguration.builder().functionName("ours").functionArn("arn:ours").build(),
                        FunctionConfiguration.builder().functionName("theirs").functionArn("arn:theirs").build())
                .build());
        when(lambda.listTags(any(ListTagsRequest.class))).thenAnswer(inv -> {
            ListTagsRequest r = inv.getArgument(0);
            return ListTagsResponse.builder().tags(r.resource().equals("arn:ours")
                    ? Map.of("mldeploy:managed", "true") : Map.of("team", "data")).build();
        });
        when(lambda.getFunction(any(GetFunctionRequest.class))).thenReturn(MockLambda.existing("ours", "s", Map.of()));
        MockLambda.stubAlias(lambda, MockLambda.alias("ours", "1", "h"));
        try (LambdaDeploymentTarget t = target(LambdaTarget.builder())) {
            assertEquals(List.of("ours"), t.list().stream().map(Deployment::name).toList());
        }
    }

    @Test
    void undeploy_deletesAliasFunctionRoleAndPackages() {
        GetFunctionResponse f = MockLambda.existing("gone", "sha", Map.of());
        Map<String, String> tags = new HashMap<>(f.tags());
        tags.put("mldeploy:role-created", "true");
        tags.put("mldeploy:bucket", "pkgs");
        when(lambda.getFunction(any(GetFunctionRequest.class))).thenReturn(f.toBuilder().tags(tags).build());
        when(iam.getRole(any(software.amazon.awssdk.services.iam.model.GetRoleRequest.class)))
                .thenThrow(software.amazon.awssdk.services.iam.model.NoSuchEntityException.builder().statusCode(404)
                        .message("gone already").build());
        when(s3.listObjectsV2(any(ListObjectsV2Request.class))).thenReturn(ListObjectsV2Response.builder()
                .contents(S3Object.builder().key("mldeploy/lambda/gone/abc.zip").build()).isTruncated(false).build());

        try (LambdaDeploymentTarget t = target(LambdaTarget.builder())) {
            assertTrue(t.undeploy("gone", ctx("gone")));
        }
        ArgumentCaptor<DeleteAliasRequest> alias = ArgumentCaptor.forClass(DeleteAliasRequest.class);
        verify(lambda).deleteAlias(alias.capture());
        assertEquals("live", alias.getValue().name());
        ArgumentCaptor<DeleteFunctionRequest> fn = ArgumentCaptor.forClass(DeleteFunctionRequest.class);
        verify(lambda).deleteFunction(fn.capture());
        assertEquals(null, fn.getValue().qualifier(), "no qualifier: every version goes");
        verify(iam).getRole(any(software.amazon.awssdk.services.iam.model.GetRoleRequest.class));
        ArgumentCaptor<ListObjectsV2Request> listed = ArgumentCaptor.forClass(ListObjectsV2Request.class);
        verify(s3).listObjectsV2(listed.capture());
        assertEquals("pkgs", listed.getValue().bucket());
        assertEquals("mldeploy/lambda/gone/", listed.getValue().prefix());
        ArgumentCaptor<DeleteObjectsRequest> deleted = ArgumentCaptor.forClass(DeleteObjectsRequest.class);
        verify(s3).deleteObjects(deleted.capture());
        assertEquals("mldeploy/lambda/gone/abc.zip", deleted.getValue().delete().objects().get(0).key());
    }

    @Test
    void undeploy_withARegionAndTheCallersCloudWatchClient_removesTheAlarmsThroughIt_andNeverClosesIt() {
        // with a region and no CloudWatch client given, undeploy would build one from the credentials chain: with a
        // developer's real credentials that lookup would leave the machine
        when(lambda.getFunction(any(GetFunctionRequest.class))).thenReturn(MockLambda.existing("al", "sha", Map.of()));
        software.amazon.awssdk.services.cloudwatch.CloudWatchClient cloudWatch =
                org.mockito.Mockito.mock(software.amazon.awssdk.services.cloudwatch.CloudWatchClient.class);
        List<String> alarms = dev.mldeploy.aws.DeploymentAlarms.names("lambda", "al");
        when(cloudWatch.describeAlarms(any(software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsRequest.class)))
                .thenReturn(software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse.builder()
                        .metricAlarms(alarms.stream().map(n -> software.amazon.awssdk.services.cloudwatch.model
                                .MetricAlarm.builder().alarmName(n).alarmArn("arn:" + n).build()).toList()).build());
        when(cloudWatch.listTagsForResource(any(
                software.amazon.awssdk.services.cloudwatch.model.ListTagsForResourceRequest.class))).thenReturn(
                software.amazon.awssdk.services.cloudwatch.model.ListTagsForResourceResponse.builder().tags(
                        software.amazon.awssdk.services.cloudwatch.model.Tag.builder().key("mldeploy:name")
                                .value("al").build(),
                        software.amazon.awssdk.services.cloudwatch.model.Tag.builder().key("mldeploy:target")
                                .value("lambda").build()).build());
        LambdaTarget config = LambdaTarget.builder().region("eu-west-1").cloudWatchClient(cloudWatch)
                .lambdaClient(lambda).iamClient(iam).s3Client(s3).build();
        assertEquals(java.util.Optional.of(cloudWatch), config.cloudWatchClient());
        assertEquals(java.util.Optional.of(cloudWatch), config.toBuilder().build().cloudWatchClient());

        try (LambdaDeploymentTarget t = LambdaDeploymentTarget.create(config.settings(), new TargetContext(Map.of()))) {
            assertTrue(t.undeploy("al", ctx("al")));
        }
        ArgumentCaptor<software.amazon.awssdk.services.cloudwatch.model.DeleteAlarmsRequest> deleted =
                ArgumentCaptor.forClass(software.amazon.awssdk.services.cloudwatch.model.DeleteAlarmsRequest.class);
        verify(cloudWatch).deleteAlarms(deleted.capture());
        assertEquals(alarms, deleted.getValue().alarmNames());
        verify(cloudWatch, never()).close();
    }

    @Test
    void undeploy_whenKeepingPackages_leavesS3Alone() {
        GetFunctionResponse f = MockLambda.existing("keep", "sha", Map.of());
        Map<String, String> tags = new HashMap<>(f.tags());
        tags.put("mldeploy:bucket", "pkgs");
        when(lambda.getFunction(any(GetFunctionRequest.class))).thenReturn(f.toBuilder().tags(tags).build());
        try (LambdaDeploymentTarget t = target(LambdaTarget.builder().keepPackagesOnUndeploy(true))) {
            assertTrue(t.undeploy("keep", ctx("keep")));
        }
        verifyNoInteractions(s3);
        verify(iam, org.mockito.Mockito.never()).deleteRole(any(software.amazon.awssdk.services.iam.model.DeleteRoleRequest.class));
    }

    @Test
    void undeploy_whenFunctionIsNotMldeploys_touchesNothing() {
        when(lambda.getFunction(any(GetFunctionRequest.class))).thenReturn(GetFunctionResponse.builder()
                .configuration(c -> c.functionName("theirs")).tags(Map.of("team", "x")).build());
        try (LambdaDeploymentTarget t = target(LambdaTarget.builder().createRole(true))) {
            assertFalse(t.undeploy("theirs", ctx("theirs")));
        }
        verify(lambda, never()).deleteFunction(any(DeleteFunctionRequest.class));
        verifyNoInteractions(iam);
    }

    @Test
    void undeploy_whenAFailedDeployLeftOnlyLayerVersions_deletesMldeploysByTheLayerName_andReportsThem() {
        when(lambda.getFunction(any(GetFunctionRequest.class))).thenThrow(MockLambda.notFound());
        String arn = "arn:aws:lambda:us-east-1:123456789012:layer:orphan-deps:";
        when(lambda.listLayerVersions(any(software.amazon.awssdk.services.lambda.model.ListLayerVersionsRequest.class)))
                .thenReturn(software.amazon.awssdk.services.lambda.model.ListLayerVersionsResponse.builder()
                        .layerVersions(layerVersion(arn, 2, "mldeploy sha256=" + "a".repeat(64)),
                                layerVersion(arn, 1, "mldeploy sha256=" + "b".repeat(64)),
                                layerVersion(arn, 0, "not mldeploy's")).build());
        List<String> said = new java.util.ArrayList<>();

        try (LambdaDeploymentTarget t = target(LambdaTarget.builder())) {
            assertTrue(t.undeploy("orphan", DeployContext.of("orphan", "lambda", e -> said.add(e.message()),
                    Duration.ofSeconds(10))));
        }

        ArgumentCaptor<software.amazon.awssdk.services.lambda.model.DeleteLayerVersionRequest> deleted =
                ArgumentCaptor.forClass(software.amazon.awssdk.services.lambda.model.DeleteLayerVersionRequest.class);
        verify(lambda, org.mockito.Mockito.times(2)).deleteLayerVersion(deleted.capture());
        assertEquals(List.of(2L, 1L), deleted.getAllValues().stream().map(r -> r.versionNumber()).toList());
        assertEquals(List.of("orphan-deps", "orphan-deps"), deleted.getAllValues().stream().map(r -> r.layerName())
                .toList());
        assertEquals("removed layer orphan-deps (versions 2, 1)", said.get(said.size() - 1));
    }

    @Test
    void undeploy_whenDeletingALayerVersionFails_namesWhatItRemovedAndWhatIsLeft() {
        when(lambda.getFunction(any(GetFunctionRequest.class))).thenThrow(MockLambda.notFound());
        String arn = "arn:aws:lambda:us-east-1:123456789012:layer:half-deps:";
        when(lambda.listLayerVersions(any(software.amazon.awssdk.services.lambda.model.ListLayerVersionsRequest.class)))
                .thenReturn(software.amazon.awssdk.services.lambda.model.ListLayerVersionsResponse.builder()
                        .layerVersions(layerVersion(arn, 2, "mldeploy sha256=" + "a".repeat(64)),
                                layerVersion(arn, 1, "mldeploy sha256=" + "b".repeat(64))).build());
        when(lambda.deleteLayerVersion(any(software.amazon.awssdk.services.lambda.model.DeleteLayerVersionRequest.class)))
                .thenReturn(software.amazon.awssdk.services.lambda.model.DeleteLayerVersionResponse.builder().build())
                .thenThrow(software.amazon.awssdk.services.lambda.model.ServiceException.builder().statusCode(500)
                        .message("boom").build());

        try (LambdaDeploymentTarget t = target(LambdaTarget.builder())) {
            DeploymentFailedException e = assertThrows(DeploymentFailedException.class,
                    () -> t.undeploy("half", ctx("half")));
            assertTrue(e.getMessage().contains("removed layer half-deps (version 2)"), e.getMessage());
            assertTrue(e.getMessage().contains("run undeploy again"), e.getMessage());
        }
    }

    private static software.amazon.awssdk.services.lambda.model.LayerVersionsListItem layerVersion(String arn, long v,
                                                                                                 String description) {
        return software.amazon.awssdk.services.lambda.model.LayerVersionsListItem.builder().version(v)
                .layerVersionArn(arn + v).description(description).build();
    }

    @Test
    void undeploy_whenNothingExists_returnsFalse() {
        when(lambda.getFunction(any(GetFunctionRequest.class))).thenThrow(MockLambda.notFound());
        try (LambdaDeploymentTarget t = target(LambdaTarget.builder())) {
            assertFalse(t.undeploy("none", ctx("none")));
        }
        verify(lambda, never()).deleteFunction(any(DeleteFunctionRequest.class));
    }

    @Test
    void undeploy_whenAKilledDeployLeftOnlyItsRoleAndPackage_findsBothByTheName_andReportsThem() {
        when(lambda.getFunction(any(GetFunctionRequest.class))).thenThrow(MockLambda.notFound());
        when(iam.getRole(any(software.amazon.awssdk.services.iam.model.GetRoleRequest.class))).thenReturn(
                software.amazon.awssdk.services.iam.model.GetRoleResponse.builder().role(r -> r
                        .roleName("mldeploy-lambda-killed").arn("arn:aws:iam::123456789012:role/mldeploy-lambda-killed"))
                        .build());
        when(iam.listRoleTags(any(software.amazon.awssdk.services.iam.model.ListRoleTagsRequest.class))).thenReturn(
                software.amazon.awssdk.services.iam.model.ListRoleTagsResponse.builder().tags(
                        software.amazon.awssdk.services.iam.model.Tag.builder().key("mldeploy:managed").value("true")
                                .build(),
                        software.amazon.awssdk.services.iam.model.Tag.builder().key("mldeploy:name").value("killed")
                                .build(),
                        software.amazon.awssdk.services.iam.model.Tag.builder().key("mldeploy:bucket").value("pkgs")
                                .build()).build());
        when(iam.listAttachedRolePolicies(any(
                software.amazon.awssdk.services.iam.model.ListAttachedRolePoliciesRequest.class))).thenReturn(
                software.amazon.awssdk.services.iam.model.ListAttachedRolePoliciesResponse.builder().build());
        when(iam.listRolePolicies(any(software.amazon.awssdk.services.iam.model.ListRolePoliciesRequest.class)))
                .thenReturn(software.amazon.awssdk.services.iam.model.ListRolePoliciesResponse.builder().build());
        when(s3.listObjectsV2(any(ListObjectsV2Request.class))).thenReturn(ListObjectsV2Response.builder()
                .contents(S3Object.builder().key("mldeploy/lambda/killed/abc.zip").build()).isTruncated(false)
                .build());
        java.util.List<String> said = new java.util.ArrayList<>();

        try (LambdaDeploymentTarget t = target(LambdaTarget.builder())) { // no createRole, no bucket configured
            assertTrue(t.undeploy("killed", DeployContext.of("killed", "lambda", e -> said.add(e.message()),
                    Duration.ofSeconds(10))));
        }

        ArgumentCaptor<software.amazon.awssdk.services.iam.model.DeleteRoleRequest> role =
                ArgumentCaptor.forClass(software.amazon.awssdk.services.iam.model.DeleteRoleRequest.class);
        verify(iam).deleteRole(role.capture());
        assertEquals("mldeploy-lambda-killed", role.getValue().roleName());
        ArgumentCaptor<ListObjectsV2Request> listed = ArgumentCaptor.forClass(ListObjectsV2Request.class);
        verify(s3).listObjectsV2(listed.capture());
        assertEquals("pkgs", listed.getValue().bucket(), "the bucket recorded on the role");
        verify(lambda, never()).deleteFunction(any(DeleteFunctionRequest.class));
        assertEquals("removed IAM role mldeploy-lambda-killed, 1 package in s3://pkgs/mldeploy/lambda/killed/",
                said.get(said.size() - 1));
    }

    @Test
    void undeploy_whenTheRoleCannotBeDeleted_failsNamingWhatWasRemovedAndWhatIsLeft() {
        when(lambda.getFunction(any(GetFunctionRequest.class))).thenReturn(MockLambda.existing("half", "sha",
                Map.of()));
        when(iam.getRole(any(software.amazon.awssdk.services.iam.model.GetRoleRequest.class))).thenThrow(
                software.amazon.awssdk.services.iam.model.IamException.builder().statusCode(500)
                        .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                                .errorCode("ServiceFailure").errorMessage("try later").build()).build());
        try (LambdaDeploymentTarget t = target(LambdaTarget.builder())) {
            dev.mldeploy.DeploymentFailedException e = assertThrows(dev.mldeploy.DeploymentFailedException.class,
                    () -> t.undeploy("half", ctx("half")));
            assertTrue(e.getMessage().contains("mldeploy-lambda-half") && e.getMessage().contains("ServiceFailure")
                    && e.getMessage().contains("removed function half") && e.getMessage().contains("run undeploy "
                    + "again"), e.getMessage());
            assertTrue(e.retryable());
        }
    }
}
