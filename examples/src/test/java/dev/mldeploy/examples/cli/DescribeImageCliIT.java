package dev.mldeploy.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.spi.Json;
import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy --framework} then {@code describe} on the emulator, through the CLI: describe names the prebuilt
 * image the model runs on, its framework and version.
 */
@ExtendWith(AwsEndpointExtension.class)
class DescribeImageCliIT {
    @TempDir
    Path tmp;

    @Test
    void describe_ofAModelOnAPrebuiltImage_showsTheImageItsFrameworkAndVersion(AwsEndpoint aws) throws IOException {
        aws.assumeSupports("sagemaker");
        Path model = TinyModel.in(tmp.resolve("tabular"));
        Map<String, String> env = new HashMap<>(aws.environment());
        env.put("MLDEPLOY_HOME", tmp.resolve("home").toString());
        Cli cli = new Cli(env);
        String image = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3";

        Cli.Result deployed = cli.run("deploy", "--model", model.toString(), "--target", "sagemaker",
                "--role-arn", "arn:aws:iam::123456789012:role/mldeploy-it", "--bucket", "mldeploy-describe-it",
                "--create-bucket", "--framework", "sklearn", "--framework-version", "1.2-1");
        assertEquals(0, deployed.status(), deployed::toString);
        try {
            Cli.Result text = cli.run("describe", "tabular", "--target", "sagemaker");
            assertEquals(0, text.status(), text::toString);
            assertTrue(text.out().lines().anyMatch(l -> l.matches("image: +" + java.util.regex.Pattern.quote(image))),
                    text::toString);
            assertTrue(text.out().lines().anyMatch(l -> l.matches("framework: +sklearn")), text::toString);
            assertTrue(text.out().lines().anyMatch(l -> l.matches("frameworkVersion: +1\\.2-1")), text::toString);

            Cli.Result json = cli.run("describe", "tabular", "--target", "sagemaker", "--output", "json");
            @SuppressWarnings("unchecked")
            Map<String, Object> attributes = (Map<String, Object>) Json.parseObject(json.out()).get("attributes");
            assertEquals(image, attributes.get("image"), json::toString);
            assertEquals("sklearn", attributes.get("framework"), json::toString);
            assertEquals("1.2-1", attributes.get("frameworkVersion"), json::toString);
        } finally {
            Cli.Result undeployed = cli.run("undeploy", "tabular", "--target", "sagemaker");
            assertEquals(0, undeployed.status(), undeployed::toString);
        }
    }
}
