package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.OperationTimeoutException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Against an endpoint that accepts connections and never answers (a server on 127.0.0.1 this test starts), every
 * command ends with {@link OperationTimeoutException} within its timeout (plus a generous margin for a loaded
 * machine), through clients mldeploy builds itself (standard retry mode). And with no credentials anywhere, a
 * deploy fails with one line saying how to give them, before any connection.
 */
class LambdaTimeoutIT {
    /** Generous: the point is "about the timeout", not the 94 s or 123 s the SDK's defaults take. */
    private static final long BOUND_MILLIS = 30_000;
    @TempDir
    Path dir;
    ServerSocket server;
    final AtomicInteger connections = new AtomicInteger();
    final List<Socket> held = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startSilentServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    held.add(server.accept()); // read nothing, answer nothing
                    connections.incrementAndGet();
                } catch (IOException e) {
                    return;
                }
            }
        }, "silent-server");
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void stopServer() throws IOException {
        server.close();
        for (Socket s : held) {
            s.close();
        }
    }

    private LambdaTarget.Builder target() {
        return LambdaTarget.builder().endpointOverride(URI.create("http://127.0.0.1:" + server.getLocalPort()))
                .region("us-east-1").credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("test", "test"))).createRole(true);
    }

    private ModelDeployer deployer(LambdaTarget target) {
        return ModelDeployer.builder().provider(LambdaTargetProvider.of(target)).defaultTarget("lambda").discoverProviders(false)
                .environment(Map.of()).build();
    }

    private static long timed(Executable call) {
        long start = System.nanoTime();
        assertThrows(OperationTimeoutException.class, call);
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void deploy_whenTheEndpointNeverAnswers_timesOutWithinTheDeadline() {
        ModelSpec spec = ModelSpec.builder("hang").source(LambdaFixtures.echoModel(dir, "hang")).build();
        try (ModelDeployer d = deployer(target().build())) {
            long millis = timed(() -> d.deploy(spec, DeployOptions.builder().timeout(Duration.ofSeconds(3)).build()));
            assertTrue(millis < BOUND_MILLIS, millis + " ms");
        }
        assertTrue(connections.get() > 0, "the request reached the silent server");
    }

    @Test
    void describeListInvokeUndeploy_whenTheEndpointNeverAnswers_timeOutWithinTheCallTimeout() {
        LambdaTarget target = target().callTimeout(Duration.ofSeconds(2)).operationTimeout(Duration.ofSeconds(2))
                .build();
        try (ModelDeployer d = deployer(target)) {
            for (Executable call : List.<Executable>of(() -> d.describe("hang"), d::list, () -> d.client("hang"),
                    () -> d.undeploy("hang"))) {
                long millis = timed(call);
                assertTrue(millis < BOUND_MILLIS, millis + " ms");
            }
        }
    }

    @Test
    void deployDescribeListUndeploy_withNoCredentialsAnywhere_sayHowToGiveThem_beforeAnyConnection() {
        AwsCredentialsProviderChain none = AwsCredentialsProviderChain.builder().credentialsProviders(
                ProfileCredentialsProvider.create("mldeploy-no-such-profile")).reuseLastProviderEnabled(false).build();
        ModelSpec spec = ModelSpec.builder("nocreds").source(LambdaFixtures.echoModel(dir, "nocreds")).build();
        try (ModelDeployer d = deployer(target().credentialsProvider(none).build())) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> d.deploy(spec, DeployOptions.builder().timeout(Duration.ofSeconds(20)).build()));
            assertTrue(e.getMessage().contains("no AWS credentials") && e.getMessage().contains("AWS_ACCESS_KEY_ID"),
                    e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            for (Executable call : List.<Executable>of(() -> d.describe("nocreds"), d::list,
                    () -> d.undeploy("nocreds"))) {
                InvalidConfigurationException other = assertThrows(InvalidConfigurationException.class, call);
                assertTrue(other.getMessage().contains("AWS_ACCESS_KEY_ID"), other.getMessage());
            }
        }
        assertEquals(0, connections.get(), "no request left the machine");
    }
}
