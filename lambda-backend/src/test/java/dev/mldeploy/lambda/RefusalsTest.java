package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.verifyNoInteractions;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.lambda.internal.LambdaDeploymentTarget;
import dev.mldeploy.spi.DeployContext;
import dev.mldeploy.spi.TargetContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What AWS would refuse is refused before any call, with a message saying what to change: tags, environment
 * variables, bucket names. Each case proves no client was touched.
 */
class RefusalsTest {
    @TempDir
    Path dir;
    final LambdaClient lambda = MockLambda.lambda();
    final IamClient iam = MockLambda.iam();
    final S3Client s3 = MockLambda.s3();

    private LambdaTarget.Builder target() {
        return LambdaTarget.builder().lambdaClient(lambda).iamClient(iam).s3Client(s3).region("us-east-1")
                .createRole(true);
    }

    /** Deploys a spec edited by {@code edit}; returns what was thrown, after checking no client was called. */
    private MlDeployException refusedDeploy(LambdaTarget config, Consumer<ModelSpec.Builder> edit) {
        ModelSpec.Builder b = ModelSpec.builder("bad").source(LambdaFixtures.echoModel(dir, "bad"));
        edit.accept(b);
        ModelSpec spec = b.build();
        MlDeployException e;
        try (LambdaDeploymentTarget t = LambdaDeploymentTarget.create(config.settings(), new TargetContext(Map.of()))) {
            e = assertThrows(MlDeployException.class, () -> t.deploy(spec, DeployContext.of("bad", "lambda",
                    ev -> { }, Duration.ofSeconds(30))));
        }
        verifyNoInteractions(iam, s3);
        org.mockito.Mockito.verify(lambda, org.mockito.Mockito.never())
                .getFunction(org.mockito.ArgumentMatchers.any(
                        software.amazon.awssdk.services.lambda.model.GetFunctionRequest.class));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e;
    }

    private static void says(MlDeployException e, Class<?> type, String... parts) {
        assertEquals(type, e.getClass(), e.toString());
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
        }
    }

    @Test
    void deploy_whenTagValueHasCharactersIamRefuses_refusesBeforeAnyCall() {
        says(refusedDeploy(target().build(), b -> b.putTag("team", "ml (core)")), InvalidSpecException.class,
                "tag 'team'", "_ . : / = + - @");
    }

    @Test
    void build_whenTargetTagKeyOver128OrValueOver256_refuses() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> target().tags(Map.of("k".repeat(129), "v")).build());
        assertTrue(e.getMessage().contains("1 to 128"), e.getMessage());
        e = assertThrows(InvalidConfigurationException.class,
                () -> target().tags(Map.of("k", "v".repeat(257))).build());
        assertTrue(e.getMessage().contains("at most 256"), e.getMessage());
        verifyNoInteractions(lambda, iam, s3);
    }

    @Test
    void deploy_whenTargetAndSpecTagsTogetherOver50_refusesBeforeAnyCall() {
        Map<String, String> target = new HashMap<>();
        Map<String, String> spec = new HashMap<>();
        for (int i = 0; i < 25; i++) {
            target.put("target" + i, "v");
            spec.put("spec" + i, "v");
        }
        says(refusedDeploy(target().tags(target).build(), b -> b.tags(spec)), InvalidSpecException.class,
                "54 tags");
    }

    @Test
    void deploy_whenEnvironmentNameHasOneCharacter_refusesBeforeAnyCall() {
        says(refusedDeploy(target().build(), b -> b.putEnvironment("X", "1")), InvalidSpecException.class,
                "'X'", "at least one more");
    }

    @Test
    void deploy_whenTargetAndSpecEnvironmentTogetherOver4Kilobytes_refusesBeforeAnyCall() {
        says(refusedDeploy(target().environment(Map.of("FROM_TARGET", "x".repeat(3000))).build(),
                b -> b.putEnvironment("FROM_SPEC", "y".repeat(1100))), InvalidSpecException.class,
                "4120 bytes", "over Lambda's 4096");
    }

    @Test
    void build_whenTargetEnvironmentNameIsReservedByLambda_refuses() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> target().environment(Map.of("AWS_REGION", "eu-west-1")).build());
        assertTrue(e.getMessage().contains("AWS_REGION"), e.getMessage());
        e = assertThrows(InvalidConfigurationException.class,
                () -> target().environment(Map.of("LAMBDA_TASK_ROOT", "/x")).build());
        assertTrue(e.getMessage().contains("reserved"), e.getMessage());
        verifyNoInteractions(lambda, iam, s3);
    }

    @Test
    void build_whenBucketNameBreaksS3Rules_refusesSayingWhy() {
        Map<String, String> cases = Map.of("ab", "2 characters", "my..bucket", "two adjacent dots",
                "192.168.1.10", "IP address", "xn--bucket", "prefix xn--", "packages-s3alias", "suffix -s3alias",
                "Packages", "lower-case", "bucket-", "starting and ending", "my.-bucket", "dot next to a hyphen",
                "b".repeat(64), "64 characters");
        cases.forEach((bucket, why) -> {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> target().bucket(bucket).build(), bucket);
            assertTrue(e.getMessage().contains(why) && e.getMessage().contains("--bucket"), e.getMessage());
        });
        assertEquals("ok.bucket-1", target().bucket("ok.bucket-1").build().bucket().orElseThrow());
        verifyNoInteractions(lambda, iam, s3);
    }

    @Test
    void build_whenTargetEnvironmentOrTagsBreakAwsRules_refuses() {
        assertThrows(InvalidConfigurationException.class, () -> target().environment(Map.of("Q", "1")).build());
        assertThrows(InvalidConfigurationException.class, () -> target().tags(Map.of("aws:x", "1")).build());
        assertThrows(InvalidConfigurationException.class, () -> target().tags(Map.of("k", "a|b")).build());
        verifyNoInteractions(lambda, iam, s3);
    }
}
