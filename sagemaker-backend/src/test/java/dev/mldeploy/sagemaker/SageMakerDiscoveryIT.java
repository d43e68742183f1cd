package dev.mldeploy.sagemaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeployResult;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The provider ServiceLoader finds, configured only by environment keys (what the CLI passes). */
@ExtendWith(AwsEndpointExtension.class)
class SageMakerDiscoveryIT {
    @TempDir
    Path tmp;

    @Test
    void discoveredProvider_configuredByEnvironmentKeys_deploysInvokesAndUndeploys(AwsEndpoint aws) throws Exception {
        aws.assumeSupports("sagemaker");
        Map<String, String> env = new HashMap<>(aws.environment());
        env.put("MLDEPLOY_ROLE_ARN", MotoResources.ROLE);
        env.put("MLDEPLOY_BUCKET", "discovered-models");
        env.put("MLDEPLOY_CREATE_BUCKET", "true");
        env.put("MLDEPLOY_IMAGE", "123456789012.dkr.ecr.us-east-1.amazonaws.com/mldeploy-serve:it");
        env.put("MLDEPLOY_SAGEMAKER_SERVERLESS_MEMORY_MB", "2048");
        ModelSpec spec = ModelSpec.builder("found").source(MotoResources.model(tmp.resolve("m"), "w")).build();

        try (ModelDeployer d = ModelDeployer.builder().environment(env).defaultTarget("sagemaker").build();
             MotoResources moto = new MotoResources(aws)) {
            assertTrue(d.targets().contains("sagemaker"), d.targets().toString());
            DeployResult r = d.deploy(spec, DeployOptions.of(o -> o.target("sagemaker")));
            assertEquals("serverless", r.deployment().variant());
            var config = moto.sageMaker.describeEndpointConfig(c -> c.endpointConfigName(
                    moto.endpointConfigs().get(0)));
            assertEquals(2048, config.productionVariants().get(0).serverlessConfig().memorySizeInMB());
            assertTrue(moto.s3.listObjectsV2(o -> o.bucket("discovered-models")).contents().size() > 0);

            aws.queueSageMakerResults(List.of(Map.of("Body", "{\"ok\": true}", "ContentType", "application/json")));
            try (InferenceClient client = d.client("found")) {
                assertEquals(4L * 1024 * 1024, client.maxRequestBytes());
                assertEquals("{\"ok\": true}", client.invoke(InferenceRequest.json("{\"x\": 1}")).bodyAsString());
            }
            assertTrue(d.undeploy("found"));
            assertEquals(List.of(), moto.endpoints());
            assertEquals(List.of(), moto.models());
        }
    }
}
