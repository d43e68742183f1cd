package dev.mldeploy.lambda;

import dev.mldeploy.ModelDeployer;
import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.FaultInjector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.s3.S3Client;

/** Clients on the emulator with a fault injector, test models, and listings that prove what is left. */
final class LambdaFixtures implements AutoCloseable {
    static final String ECHO = """
            import os


            def model_fn(model_dir):
                return {"version": os.environ.get("ECHO_VERSION", "1")}


            def predict_fn(data, model):
                if isinstance(data, dict) and data.get("fail"):
                    raise ValueError("asked to fail: " + str(data["fail"]))
                if isinstance(data, (bytes, str)):
                    return data
                return {"echo": data, "version": model["version"]}
            """;

    final AwsEndpoint aws;
    final FaultInjector faults = new FaultInjector();
    final LambdaClient lambda;
    final IamClient iam;
    final S3Client s3;
    /** The mldeploy home of the targets made here (resolved layers are cached in it), not the user's. */
    final Path home;

    /** A deployer with only {@code target}, as default, reaching the emulator. */
    ModelDeployer deployer(LambdaTarget target) {
        return ModelDeployer.builder().provider(LambdaTargetProvider.of(target)).defaultTarget("lambda").discoverProviders(false)
                .environment(aws.environment()).build();
    }

    LambdaFixtures(AwsEndpoint aws, ExecutionInterceptor... extra) {
        this.aws = aws;
        try {
            this.home = Files.createTempDirectory("mldeploy-lambda-home-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.lambda = LambdaClient.builder().endpointOverride(aws.endpoint()).region(aws.awsRegion())
                .credentialsProvider(aws.credentialsProvider()).overrideConfiguration(o -> {
                    o.addExecutionInterceptor(faults);
                    for (ExecutionInterceptor i : extra) {
                        o.addExecutionInterceptor(i);
                    }
                }).build();
        this.iam = IamClient.builder().endpointOverride(aws.endpoint()).region(aws.awsRegion())
                .credentialsProvider(aws.credentialsProvider())
                .overrideConfiguration(o -> o.addExecutionInterceptor(faults)).build();
        this.s3 = S3Client.builder().endpointOverride(aws.endpoint()).region(aws.awsRegion()).forcePathStyle(true)
                .credentialsProvider(aws.credentialsProvider())
                .overrideConfiguration(o -> o.addExecutionInterceptor(faults)).build();
    }

    /** A target on these clients, polling fast. */
    LambdaTarget.Builder target() {
        return LambdaTarget.builder().lambdaClient(lambda).iamClient(iam).s3Client(s3).home(home)
                .pollInterval(Duration.ofMillis(20)).rolePropagationTimeout(Duration.ofSeconds(5));
    }

    /** Writes the echo model into {@code dir/name} and returns that directory. */
    static Path echoModel(Path dir, String name) {
        Path d = dir.resolve(name);
        try {
            Files.createDirectories(d);
            Files.writeString(d.resolve("inference.py"), ECHO);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return d;
    }

    /** An IAM role that exists on the emulator (moto refuses a role it does not know). */
    String existingRole(String name) {
        return iam.createRole(r -> r.roleName(name).assumeRolePolicyDocument(
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
                        + "{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}")).role().arn();
    }

    List<String> functions() {
        return lambda.listFunctions().functions().stream().map(FunctionConfiguration::functionName).toList();
    }

    /** The published versions of {@code function} (not $LATEST); empty when the function is gone. */
    List<String> versions(String function) {
        try {
            return lambda.listVersionsByFunction(b -> b.functionName(function)).versions().stream()
                    .map(FunctionConfiguration::version).filter(v -> !"$LATEST".equals(v)).toList();
        } catch (software.amazon.awssdk.services.lambda.model.ResourceNotFoundException e) {
            return List.of();
        }
    }

    /** What Lambda answers while a new role has not propagated. */
    static software.amazon.awssdk.services.lambda.model.InvalidParameterValueException roleNotAssumable() {
        return (software.amazon.awssdk.services.lambda.model.InvalidParameterValueException)
                software.amazon.awssdk.services.lambda.model.InvalidParameterValueException.builder().statusCode(400)
                        .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                                .errorCode("InvalidParameterValueException")
                                .errorMessage("The role defined for the function cannot be assumed by Lambda.")
                                .build())
                        .message("The role defined for the function cannot be assumed by Lambda.").build();
    }

    List<String> roles() {
        return iam.listRoles().roles().stream().map(r -> r.roleName()).toList();
    }

    List<String> objects(String bucket) {
        return s3.listObjectsV2(r -> r.bucket(bucket)).contents().stream().map(o -> o.key()).toList();
    }

    /** The envelope the handler answers with for a JSON body. */
    static String envelope(String jsonBody) {
        return "{\"statusCode\": 200, \"body\": " + dev.mldeploy.spi.Json.quote(jsonBody)
                + ", \"isBase64Encoded\": false, \"contentType\": \"application/json\"}";
    }

    @Override
    public void close() {
        try (java.util.stream.Stream<Path> all = Files.walk(home)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the test home " + home, e);
        }
        lambda.close();
        iam.close();
        s3.close();
    }
}
