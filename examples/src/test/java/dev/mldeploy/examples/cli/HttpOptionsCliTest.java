package dev.mldeploy.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deploy --http} and its auth options: mapped to the providers' keys, refused before any call when wrong. */
class HttpOptionsCliTest {
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

    private Cli.Result deploy(String... extra) {
        String[] args = new String[4 + extra.length];
        args[0] = "deploy";
        args[1] = "--model";
        args[2] = model.toString();
        args[3] = "--target";
        System.arraycopy(extra, 0, args, 4, extra.length);
        return cli.run(args);
    }

    @Test
    void deploy_withHttpAndApiKey_passesTheProvidersTheirKeys() {
        Cli.Result r = deploy("fakecloud", "--http", "--http-auth", "api-key", "--http-rate", "5",
                "--http-burst", "10");
        assertEquals(0, r.status(), r::toString);
        Map<String, String> env = cloud.environments.get(cloud.environments.size() - 1);
        assertEquals("true", env.get("MLDEPLOY_HTTP"));
        assertEquals("api-key", env.get("MLDEPLOY_HTTP_AUTH"));
        assertEquals("5.0", env.get("MLDEPLOY_HTTP_RATE"));
        assertEquals("10", env.get("MLDEPLOY_HTTP_BURST"));
    }

    @Test
    void deploy_withHttpOnLocal_exits2_sayingLocalAlreadyHasItsUrl() {
        Cli.Result r = deploy("local", "--http");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("--http (lambda, sagemaker only) does nothing on --target local: a local "
                + "deployment already answers at its http://127.0.0.1 URL"), r::toString);
    }

    @Test
    void deploy_withOpenAuth_exits2_andDeploysNothing() {
        Cli.Result r = deploy("fakecloud", "--http", "--http-auth", "none");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("HTTP auth 'none' is refused: mldeploy never makes a model endpoint anyone may "
                + "call"), r::toString);
        assertTrue(cloud.deployments.isEmpty());
        assertTrue(cloud.environments.isEmpty(), "no target was even created");
    }

    @Test
    void deploy_withConflictingOrRefusedThrottle_exits2_beforeAnyCall() {
        Cli.Result noHttp = deploy("fakecloud", "--http-auth", "api-key");
        assertEquals(2, noHttp.status(), noHttp::toString);
        assertTrue(noHttp.err().contains("configure the HTTPS front door, which is off; add --http"),
                noHttp::toString);

        Cli.Result iamThrottle = deploy("fakecloud", "--http", "--http-rate", "5");
        assertEquals(2, iamThrottle.status(), iamThrottle::toString);
        assertTrue(iamThrottle.err().contains("throttle an API key's usage plan; add --http-auth api-key"),
                iamThrottle::toString);

        Cli.Result zero = deploy("fakecloud", "--http", "--http-auth", "api-key", "--http-rate", "0");
        assertEquals(2, zero.status(), zero::toString);
        assertTrue(zero.err().contains("HTTP rate limit 0.0 requests per second is invalid"), zero::toString);

        Cli.Result burst = deploy("fakecloud", "--http", "--http-auth", "api-key", "--http-burst", "5001");
        assertEquals(2, burst.status(), burst::toString);
        assertTrue(burst.err().contains("HTTP burst limit 5001 is invalid; give 1 to 5000"), burst::toString);
        assertTrue(cloud.deployments.isEmpty());
        assertTrue(cloud.environments.isEmpty(), "no target was even created");
    }

    @Test
    void describe_showsTheFrontDoorUrl_inTextAndJson() {
        String url = "https://abc123.execute-api.us-east-1.amazonaws.com/live/invocations";
        cloud.deployments.put("m", new Deployment("m", "fakecloud", "v", DeploymentStatus.IN_SERVICE, "", "h",
                "arn:x", null, null, Map.of(), url));
        Cli.Result text = cli.run("describe", "m", "--target", "fakecloud");
        assertEquals(0, text.status(), text::toString);
        assertTrue(text.out().contains("http:           POST " + url), text::toString);
        Cli.Result json = cli.run("describe", "m", "--target", "fakecloud", "--output", "json");
        assertTrue(json.out().contains("\"httpEndpoint\" : \"" + url + "\"")
                || json.out().contains("\"httpEndpoint\": \"" + url + "\""), json::toString);

        cloud.deployments.put("plain", new Deployment("plain", "fakecloud", "v", DeploymentStatus.IN_SERVICE, "",
                "h", "arn:x", null, null, Map.of()));
        Cli.Result plain = cli.run("describe", "plain", "--target", "fakecloud");
        assertFalse(plain.out().contains("http:"), plain::toString);
    }
}
