package dev.mldeploy.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deploy --package zip|image}, {@code --image build} and {@code --base-image}: the keys they set, and refusals. */
class DeployImageOptionsTest {
    @TempDir
    Path tmp;
    FakeCloud cloud;
    Cli cli;
    Path model;

    @BeforeEach
    void setUp() throws IOException {
        cloud = new FakeCloud();
        cli = new Cli(Map.of("MLDEPLOY_HOME", tmp.resolve("home").toString()), cloud);
        model = TinyModel.in(tmp.resolve("tiny-model"));
    }

    @Test
    void deploy_packageImageAndBaseImage_mapToTheirKeys() {
        Cli.Result r = cli.run("deploy", "--target", "fakecloud", "--model", model.toString(), "--package", "IMAGE",
                "--base-image", "127.0.0.1:5000/base:1");
        assertEquals(0, r.status(), r::toString);
        Map<String, String> env = cloud.environments.get(cloud.environments.size() - 1);
        assertEquals("image", env.get("MLDEPLOY_LAMBDA_PACKAGE"));
        assertEquals("127.0.0.1:5000/base:1", env.get("MLDEPLOY_BASE_IMAGE"));
    }

    @Test
    void deploy_imageBuild_setsTheSagemakerImageKeyToBuild() {
        Cli.Result r = cli.run("deploy", "--target", "fakecloud", "--model", model.toString(), "--image", "build");
        assertEquals(0, r.status(), r::toString);
        assertEquals("build", cloud.environments.get(cloud.environments.size() - 1).get("MLDEPLOY_IMAGE"));
    }

    @Test
    void deploy_withAnUnknownPackageType_exits2_andDeploysNothing() {
        Cli.Result r = cli.run("deploy", "--target", "fakecloud", "--model", model.toString(), "--package", "jar");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("--package must be zip or image, was 'jar'"), r::toString);
        assertTrue(cloud.deployments.isEmpty());
    }

    @Test
    void deploy_packageOnSagemaker_orBaseImageLocally_exits2() {
        Cli.Result sm = cli.run("deploy", "--target", "sagemaker", "--model", model.toString(), "--package", "image");
        assertEquals(2, sm.status(), sm::toString);
        assertTrue(sm.err().contains("--package (lambda only) does nothing on --target sagemaker"), sm::toString);
        Cli.Result local = cli.run("deploy", "--target", "local", "--model", model.toString(), "--base-image",
                "python:3.12-slim");
        assertEquals(2, local.status(), local::toString);
        assertTrue(local.err().contains("--base-image (lambda, sagemaker only) does nothing on --target local"),
                local::toString);
    }

    @Test
    void deploy_toLambdaWithAMalformedBaseImage_exits2BeforeAnyCall() {
        Cli.Result r = cli.run("deploy", "--target", "lambda", "--model", model.toString(), "--package", "image",
                "--base-image", "Not A Reference", "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("base image 'Not A Reference' is not an image reference"), r::toString);
    }
}
