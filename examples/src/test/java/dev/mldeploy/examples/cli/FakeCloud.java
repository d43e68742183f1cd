package dev.mldeploy.examples.cli;

import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentNotFoundException;
import dev.mldeploy.DeploymentStatus;
import dev.mldeploy.InferenceRequest;
import dev.mldeploy.InferenceResponse;
import dev.mldeploy.ModelErrorException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.bundle.SourceTree;
import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.CostEstimate;
import dev.mldeploy.CostItem;
import dev.mldeploy.PlacementOptions;
import dev.mldeploy.placement.PlacementProfile;
import dev.mldeploy.spi.DeployContext;
import dev.mldeploy.spi.Invoker;
import dev.mldeploy.spi.Target;
import dev.mldeploy.spi.TargetContext;
import dev.mldeploy.spi.TargetProvider;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A cloud target for CLI tests: state in this provider (so every deployer the CLI builds sees it), one placement
 * profile that fits requests up to 900 s, the environment each target was created with, and an invoker that
 * echoes the body, or raises a model error when the body is {@code "boom"} and an error with a two-line message
 * when it is {@code "two lines"}. Describing {@link #STUCK} blocks until the calling thread is interrupted, as a
 * call to an endpoint that accepts connections and never answers.
 */
final class FakeCloud implements TargetProvider {
    static final String NAME = "fakecloud";
    static final Duration MAX_REQUEST = Duration.ofSeconds(900);
    /** A deployment name whose lookup never answers. */
    static final String STUCK = "stuck";

    private final String name;

    final Map<String, Deployment> deployments = new ConcurrentHashMap<>();
    final Map<String, ModelSpec> specs = new ConcurrentHashMap<>();
    final List<Map<String, String>> environments = new CopyOnWriteArrayList<>();
    final List<dev.mldeploy.RolloutPolicy> rollouts = new CopyOnWriteArrayList<>();

    FakeCloud() {
        this(NAME);
    }

    /** A fake cloud named {@code name}, for tests that need two targets. */
    FakeCloud(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return "in-memory target for tests";
    }

    @Override
    public List<PlacementProfile> placementProfiles() {
        return List.of(new Profile(name, "small", new BigDecimal("1.5"), Duration.ofSeconds(60)),
                new Profile(name, "large", new BigDecimal("12.25"), MAX_REQUEST));
    }

    @Override
    public Optional<dev.mldeploy.spi.Packager> packager() {
        return Optional.of((spec, outDir) -> {
            try {
                java.nio.file.Files.createDirectories(outDir);
                java.nio.file.Path f = outDir.resolve(spec.name() + ".pkg");
                java.nio.file.Files.writeString(f, spec.name());
                return List.of(f);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Override
    public Target create(TargetContext context) {
        environments.add(context.environment());
        return new FakeTarget();
    }

    /** Fits when one request takes at most {@code limit}; costs {@code usd} in one item plus a cent in another. */
    private record Profile(String target, String variant, BigDecimal usd, Duration limit)
            implements PlacementProfile {

        @Override
        public CandidateEvaluation evaluate(ModelSpec spec, PlacementOptions options) {
            Duration need = spec.resources().maxInferenceTime();
            List<String> reasons = need.compareTo(limit) > 0
                    ? List.of("a request may take " + need.toMillis() + " ms, over the " + limit.toMillis()
                    + " ms limit")
                    : List.of();
            return new CandidateEvaluation(target, variant, reasons.isEmpty(), reasons,
                    CostEstimate.of(CostItem.of("compute", usd), CostItem.of("requests", new BigDecimal("0.01"))),
                    List.of(), Map.of("size", variant));
        }
    }

    private final class FakeTarget implements Target {
        @Override
        public String name() {
            return name;
        }

        @Override
        public DeployResult deploy(ModelSpec spec, DeployContext context) {
            rollouts.add(context.rollout());
            // a stand-in for SpecFingerprint (which also hashes the Python adapter): source content and resources
            String hash = SourceTree.of(spec.requireSource()).sha256() + "/" + spec.resources();
            Deployment old = deployments.get(spec.name());
            context.progress("create", "Creating", "creating " + spec.name());
            context.progress("wait", "InService", "in service");
            Deployment d = new Deployment(spec.name(), name, context.candidate().map(CandidateEvaluation::variant)
                    .orElse("small"), DeploymentStatus.IN_SERVICE, "", hash, "fake://" + spec.name(),
                    old == null ? Instant.parse("2026-01-01T00:00:00Z") : old.createdAt(), Instant.now(),
                    Map.of("memoryMb", String.valueOf(spec.resources().memoryMb()),
                            "maxInferenceMs", String.valueOf(spec.resources().maxInferenceTime().toMillis()),
                            "architecture", spec.resources().architecture().awsName()));
            DeployResult.Change change = old == null ? DeployResult.Change.CREATED
                    : old.specHash().equals(hash) ? DeployResult.Change.UNCHANGED : DeployResult.Change.UPDATED;
            deployments.put(spec.name(), d);
            specs.put(spec.name(), spec);
            return new DeployResult(d, change, spec.name() + " " + change.name().toLowerCase(), null);
        }

        @Override
        public Optional<Deployment> describe(String deployment) {
            if (STUCK.equals(deployment)) {
                try {
                    new java.util.concurrent.CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while describing " + deployment, e);
                }
            }
            return Optional.ofNullable(deployments.get(deployment));
        }

        @Override
        public List<Deployment> list() {
            List<Deployment> all = new ArrayList<>(deployments.values());
            all.sort(java.util.Comparator.comparing(Deployment::name));
            return all;
        }

        @Override
        public boolean undeploy(String deployment, DeployContext context) {
            specs.remove(deployment);
            return deployments.remove(deployment) != null;
        }

        @Override
        public Invoker invoker(String deployment) {
            if (!deployments.containsKey(deployment)) {
                throw new DeploymentNotFoundException(deployment, "no " + deployment);
            }
            return new Invoker() {
                @Override
                public InferenceResponse invoke(InferenceRequest request) {
                    String body = new String(request.bodyUnsafe(), StandardCharsets.UTF_8);
                    if (body.equals("boom")) {
                        throw new ModelErrorException(name, "ValueError", "boom is not a text", 500, null, null);
                    }
                    if (body.equals("two lines")) {
                        throw new dev.mldeploy.InvocationException("the model's answer was cut off\n"
                                + "  detail: connection reset after 12 bytes");
                    }
                    return new InferenceResponse(request.body(), request.contentType(), name, "v1",
                            Duration.ofMillis(3));
                }

                @Override
                public long maxRequestBytes() {
                    return 1024;
                }
            };
        }

        @Override
        public void close() {
        }
    }
}
