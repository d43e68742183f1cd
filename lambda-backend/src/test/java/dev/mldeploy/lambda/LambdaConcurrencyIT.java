package dev.mldeploy.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mldeploy.ConflictException;
import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeployResult;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.testsupport.AwsEndpoint;
import dev.mldeploy.testsupport.AwsEndpointExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;

/**
 * Two deploys of one name with different specs at once, several rounds, against the emulator. moto keeps no
 * RevisionId (it returns none and ignores the one sent) and does not check CodeSha256 on PublishVersion, so Lambda's
 * own refusal is covered by {@link ConcurrentDeployTest}; here the outcome must hold anyway: never do both report
 * success for different specs (unless one ran wholly after the other: then it moved the alias from the other's
 * version), every loser fails with {@link ConflictException}, and the alias ends on a version holding the winner's
 * code and configuration (or, with no winner, where it was).
 */
@ExtendWith(AwsEndpointExtension.class)
class LambdaConcurrencyIT {
    private static final int ROUNDS = 6;
    @TempDir
    Path dir;
    LambdaFixtures fx;

    @BeforeEach
    void setUp(AwsEndpoint aws) {
        aws.assumeSupports("lambda");
        fx = new LambdaFixtures(aws);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    /** One deploy's outcome: its result, or what it threw. */
    private record Outcome(String label, DeployResult result, RuntimeException error) {
        boolean won() {
            return result != null;
        }
    }

    private ModelSpec spec(String label, int round) throws Exception {
        Path model = LambdaFixtures.echoModel(dir.resolve(label + round), "race");
        Files.writeString(model.resolve("weights.txt"), label + round); // different code
        return ModelSpec.builder("race").source(model).putEnvironment("ECHO_VERSION", label + round).build();
    }

    @Test
    void deploy_twoDifferentSpecsOfOneNameAtOnce_neverBothSucceed_andTheAliasServesTheWinner() throws Exception {
        LambdaTarget target = fx.target().createRole(true).build();
        int conflicts = 0;
        int wins = 0;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (ModelDeployer d = ModelDeployer.builder().provider(LambdaTargetProvider.of(target)).defaultTarget("lambda")
                .discoverProviders(false).environment(fx.aws.environment()).build()) {
            d.deploy(spec("base", 0), DeployOptions.builder().timeout(Duration.ofMinutes(2)).build());
            for (int round = 1; round <= ROUNDS; round++) {
                String before = alias();
                ModelSpec a = spec("a", round);
                ModelSpec b = spec("b", round);
                CyclicBarrier start = new CyclicBarrier(2);
                List<Future<Outcome>> futures = new ArrayList<>();
                for (ModelSpec s : List.of(a, b)) {
                    futures.add(pool.submit(() -> {
                        String label = s.environment().get("ECHO_VERSION");
                        start.await(10, TimeUnit.SECONDS);
                        try {
                            return new Outcome(label, d.deploy(s, DeployOptions.builder()
                                    .timeout(Duration.ofMinutes(2)).build()), null);
                        } catch (RuntimeException e) {
                            return new Outcome(label, null, e);
                        }
                    }));
                }
                List<Outcome> outcomes = new ArrayList<>();
                for (Future<Outcome> f : futures) {
                    outcomes.add(f.get(3, TimeUnit.MINUTES));
                }
                List<Outcome> winners = outcomes.stream().filter(Outcome::won).toList();
                for (Outcome o : outcomes) {
                    if (!o.won()) {
                        if (!(o.error() instanceof ConflictException)) {
                            fail("round " + round + ": " + o.label() + " failed with something other than a "
                                    + "conflict", o.error());
                        }
                        assertTrue(o.error().getMessage().contains("another deploy"), o.error().getMessage());
                        conflicts++;
                    }
                }
                String now = alias();
                if (winners.size() == 2) {
                    // only if they serialized: the later one moved the alias from the earlier one's version
                    Outcome later = Long.parseLong(version(winners.get(0))) > Long.parseLong(version(winners.get(1)))
                            ? winners.get(0) : winners.get(1);
                    Outcome earlier = later == winners.get(0) ? winners.get(1) : winners.get(0);
                    assertTrue(later.result().message().contains("moved from version " + version(earlier)),
                            "round " + round + ": both reported success without one following the other: "
                                    + earlier.result().message() + " / " + later.result().message());
                    assertServes(now, later, round);
                } else if (winners.size() == 1) {
                    assertEquals(version(winners.get(0)), now, "round " + round + ": the alias is on the winner");
                    assertServes(now, winners.get(0), round);
                } else {
                    assertEquals(before, now, "round " + round + ": with no winner the alias stays where it was");
                }
                wins += winners.size();
            }
        } finally {
            pool.shutdownNow();
        }
        LoggerFactory.getLogger(LambdaConcurrencyIT.class).info("{} rounds: {} successes, {} conflicts", ROUNDS,
                wins, conflicts);
        assertTrue(wins > 0, "some deploy won at least once");
        fx.lambda.deleteFunction(b -> b.functionName("race"));
    }

    private static String version(Outcome o) {
        return o.result().deployment().attributes().get("version");
    }

    private String alias() {
        return fx.lambda.getAlias(b -> b.functionName("race").name("live")).functionVersion();
    }

    /** The version the alias serves holds the winner's environment and code. */
    private void assertServes(String version, Outcome winner, int round) {
        GetFunctionConfigurationResponse v = fx.lambda.getFunctionConfiguration(b -> b.functionName("race")
                .qualifier(version));
        assertEquals(winner.label(), v.environment().variables().get("ECHO_VERSION"), "round " + round);
        assertEquals(winner.result().deployment().attributes().get("codeSha256"), v.codeSha256(), "round " + round);
    }
}
