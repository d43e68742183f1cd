package dev.mldeploy.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentNotFoundException;
import dev.mldeploy.DeploymentStatus;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.PlacementException;
import dev.mldeploy.kit.TestModels;
import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.CostEstimate;
import dev.mldeploy.placement.PlacementProfile;
import dev.mldeploy.spi.DeployContext;
import dev.mldeploy.spi.Target;
import dev.mldeploy.spi.TargetProvider;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.ArgumentCaptor;

class DefaultModelDeployerTest {
    private static final String SERVICES = "META-INF/services/" + TargetProvider.class.getName();

    @TempDir
    Path tmp;

    /** A class loader whose only TargetProvider services file lists {@code providers}. */
    private ClassLoader discovering(Class<?>... providers) throws IOException {
        Path file = tmp.resolve("services.txt");
        StringBuilder sb = new StringBuilder();
        for (Class<?> c : providers) {
            sb.append(c.getName()).append('\n');
        }
        Files.writeString(file, sb);
        URL url = file.toUri().toURL();
        return new ClassLoader(getClass().getClassLoader()) {
            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                return SERVICES.equals(name) ? Collections.enumeration(List.of(url)) : super.getResources(name);
            }
        };
    }

    private static TargetProvider provider(String name, Target target, PlacementProfile... profiles) {
        TargetProvider p = mock(TargetProvider.class);
        when(p.name()).thenReturn(name);
        when(p.description()).thenReturn("fake " + name);
        when(p.placementProfiles()).thenReturn(List.of(profiles));
        when(p.packager()).thenReturn(Optional.empty());
        when(p.create(any())).thenReturn(target);
        return p;
    }

    private static Target target(String name) {
        Target t = mock(Target.class);
        when(t.name()).thenReturn(name);
        when(t.deploy(any(), any())).thenAnswer(inv -> {
            ModelSpec spec = inv.getArgument(0);
            return new DeployResult(new Deployment(spec.name(), name, "fake", DeploymentStatus.IN_SERVICE, "", "h",
                    "", null, null, Map.of()), DeployResult.Change.CREATED, "made by " + name, null);
        });
        return t;
    }

    /** A profile that fits (or not, for {@code reason}) at no cost, at placement order {@code order}. */
    private record FakeProfile(String target, String variant, int order, boolean feasible, String reason)
            implements PlacementProfile {
        @Override
        public CandidateEvaluation evaluate(ModelSpec spec, dev.mldeploy.PlacementOptions options) {
            return new CandidateEvaluation(target, variant, feasible, feasible ? List.of() : List.of(reason),
                    CostEstimate.of(), List.of(), Map.of("size", "small"));
        }
    }

    private static PlacementProfile profile(String target, String variant, boolean feasible, String reason) {
        return new FakeProfile(target, variant, PlacementProfile.DEFAULT_ORDER, feasible, reason);
    }

    private ModelSpec spec(String name) {
        return ModelSpec.builder(name).source(TestModels.copy(TestModels.ECHO, tmp)).build();
    }

    private static PlacementProfile ordered(String target, String variant, int order) {
        return new FakeProfile(target, variant, order, true, null);
    }

    private static final dev.mldeploy.PlacementOptions DEFAULTS =
            dev.mldeploy.PlacementOptions.defaults();

    private static List<String> names(dev.mldeploy.PlacementDecision d) {
        return d.candidates().stream().map(CandidateEvaluation::name).toList();
    }

    @Test
    void plan_evaluatesOnlyTheProvidersProfiles_inTheirDeclaredOrder_whicheverOrderProvidersCome() {
        TargetProvider zed = provider("zed", target("zed"), ordered("zed", "one", 1));
        TargetProvider alpha = provider("alpha", target("alpha"), ordered("alpha", "two", 2),
                ordered("alpha", "three", 3));
        ModelSpec planned = ModelSpec.builder("m").packageSizeBytes(1).build();
        for (List<TargetProvider> given : List.of(List.of(zed, alpha), List.of(alpha, zed))) {
            ModelDeployer.Builder b = ModelDeployer.builder().discoverProviders(false).defaultTarget(ModelDeployer.AUTO);
            given.forEach(b::provider);
            try (ModelDeployer d = b.build()) {
                dev.mldeploy.PlacementDecision plan = d.plan(planned, DEFAULTS);
                assertEquals(List.of("zed:one", "alpha:two", "alpha:three"), names(plan),
                        "no built-in lambda or sagemaker profile is added");
                assertEquals("zed:one", plan.chosen().orElseThrow().name(), "the lower order wins the tie");
            }
        }
    }

    @Test
    void plan_withProfilesOfEqualOrder_listsThemByProviderName_thenInEachProvidersOrder() {
        TargetProvider zed = provider("zed", target("zed"), profile("zed", "y", true, null),
                profile("zed", "x", true, null));
        TargetProvider alpha = provider("alpha", target("alpha"), profile("alpha", "b", true, null));
        ModelSpec planned = ModelSpec.builder("m").packageSizeBytes(1).build();
        for (List<TargetProvider> given : List.of(List.of(zed, alpha), List.of(alpha, zed))) {
            ModelDeployer.Builder b = ModelDeployer.builder().discoverProviders(false).defaultTarget(ModelDeployer.AUTO);
            given.forEach(b::provider);
            try (ModelDeployer d = b.build()) {
                dev.mldeploy.PlacementDecision plan = d.plan(planned, DEFAULTS);
                assertEquals(List.of("alpha:b", "zed:y", "zed:x"), names(plan));
                assertEquals("alpha:b", plan.chosen().orElseThrow().name());
            }
        }
    }

    @Test
    void plan_restrictedToOneTarget_evaluatesOnlyItsProfiles() {
        try (ModelDeployer d = ModelDeployer.builder().discoverProviders(false).defaultTarget(ModelDeployer.AUTO)
                .provider(provider("zed", target("zed"), ordered("zed", "one", 1)))
                .provider(provider("alpha", target("alpha"), ordered("alpha", "two", 2))).build()) {
            ModelSpec planned = ModelSpec.builder("m").packageSizeBytes(1).build();
            assertEquals(List.of("alpha:two"), names(d.plan(planned, DEFAULTS, "alpha")));
            assertEquals(List.of("zed:one", "alpha:two"), names(d.plan(planned, DEFAULTS, ModelDeployer.AUTO)));
        }
    }

    @Test
    void plan_forATargetPlacementDoesNotEvaluate_failsNamingThoseItDoes() {
        try (ModelDeployer d = ModelDeployer.builder().discoverProviders(false).defaultTarget(ModelDeployer.AUTO)
                .provider(provider("alpha", target("alpha"), ordered("alpha", "two", 2)))
                .provider(provider("plain", target("plain"))).build()) {
            ModelSpec planned = ModelSpec.builder("m").packageSizeBytes(1).build();
            for (String t : List.of("mainframe", "plain")) {
                InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                        () -> d.plan(planned, DEFAULTS, t));
                assertEquals("placement knows no target '" + t + "'; it evaluates alpha (or use auto)",
                        e.getMessage());
            }
        }
    }

    @Test
    void planAndDeployAuto_withNoProviderContributingProfiles_failSayingWhatToAdd_andCreateNoTarget() {
        TargetProvider plain = provider("plain", target("plain"));
        try (ModelDeployer d = ModelDeployer.builder().discoverProviders(false).provider(plain)
                .defaultTarget(ModelDeployer.AUTO).build()) {
            InvalidConfigurationException planned = assertThrows(InvalidConfigurationException.class,
                    () -> d.plan(ModelSpec.builder("m").packageSizeBytes(1).build()));
            assertTrue(planned.getMessage().contains("no target provider contributes a placement profile")
                    && planned.getMessage().contains("mldeploy-lambda"), planned.getMessage());
            assertThrows(InvalidConfigurationException.class, () -> d.deploy(spec("m")));
        }
        verify(plain, never()).create(any());
    }

    @Test
    void build_whenAProviderContributesAnotherTargetsProfile_failsNamingBoth() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> ModelDeployer.builder().discoverProviders(false).defaultTarget(ModelDeployer.AUTO)
                        .provider(provider("alpha", target("alpha"), ordered("lambda", "zip", 1))).build());
        assertTrue(e.getMessage().contains("target provider 'alpha'") && e.getMessage().contains("lambda:zip")
                && e.getMessage().contains("only its own"), e.getMessage());
    }

    @Test
    void build_whenAProviderGivesOneVariantTwice_fails() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> ModelDeployer.builder().discoverProviders(false).defaultTarget(ModelDeployer.AUTO)
                        .provider(provider("alpha", target("alpha"), ordered("alpha", "x", 1),
                                ordered("alpha", "x", 2))).build());
        assertTrue(e.getMessage().contains("alpha:x twice"), e.getMessage());
    }

    @Test
    void build_whenDefaultTargetUnknown_failsListingTheKnownTargets() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> ModelDeployer.builder().discoverProviders(false).provider(provider("alpha", target("alpha")))
                        .provider(provider("beta", target("beta"))).defaultTarget("gamma").build());

        assertTrue(e.getMessage().contains("unknown target 'gamma'"), e.getMessage());
        assertTrue(e.getMessage().contains("known targets: alpha, beta, auto"), e.getMessage());
    }

    @Test
    void deploy_whenTargetNameUnknown_failsListingTheKnownTargetsAndTheModuleToAdd() {
        Target alpha = target("alpha");
        try (ModelDeployer d = ModelDeployer.builder().discoverProviders(false).provider(provider("alpha", alpha))
                .defaultTarget("alpha").build()) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> d.deploy(spec("m"), DeployOptions.builder().target("sagemaker").build()));

            assertTrue(e.getMessage().contains("known targets: alpha, auto"), e.getMessage());
            assertTrue(e.getMessage().contains("dev.mldeploy:mldeploy-sagemaker"), e.getMessage());
            verify(alpha, never()).deploy(any(), any());
        }
    }

    @Test
    void build_whenTwoDiscoveredProvidersShareAName_failsNamingBoth() throws IOException {
        ClassLoader loader = discovering(FakeProviders.DupA.class, FakeProviders.DupB.class);

        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> ModelDeployer.builder().classLoader(loader).defaultTarget("dup").build());

        assertTrue(e.getMessage().contains("'dup'"), e.getMessage());
        assertTrue(e.getMessage().contains(FakeProviders.DupA.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains(FakeProviders.DupB.class.getName()), e.getMessage());
    }

    @Test
    void build_whenTwoExplicitProvidersShareAName_fails() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> ModelDeployer.builder().discoverProviders(false).provider(provider("x", target("x")))
                        .provider(provider("x", target("x"))).defaultTarget("x").build());

        assertTrue(e.getMessage().contains("two target providers named 'x'"), e.getMessage());
    }

    @Test
    void explicitProvider_winsOverADiscoveredOneOfTheSameName() throws IOException {
        Target explicit = target("fake");
        ClassLoader loader = discovering(FakeProviders.DiscoveredFake.class);
        try (ModelDeployer d = ModelDeployer.builder().classLoader(loader).provider(provider("fake", explicit))
                .defaultTarget("fake").build()) {
            DeployResult r = d.deploy(spec("m"));

            assertEquals("made by fake", r.message());
            verify(explicit).deploy(any(), any());
            assertEquals(List.of("fake"), d.targets());
        }
    }

    @Test
    void discovery_findsProvidersListedInServicesFiles() throws IOException {
        ClassLoader loader = discovering(FakeProviders.DupA.class);
        try (ModelDeployer d = ModelDeployer.builder().classLoader(loader).defaultTarget("dup").build()) {
            assertEquals(List.of("dup"), d.targets());
        }
    }

    @Test
    void deploy_whenAutoAndNothingFeasible_throwsPlacementExceptionWithEveryReason() {
        Target cloud = target("cloud");
        TargetProvider p = provider("cloud", cloud,
                profile("cloud", "small", false, "inference of 1200 s is over the 900 s limit"),
                profile("cloud", "big", false, "inference of 1200 s is over the 60 s limit"));
        try (ModelDeployer d = ModelDeployer.builder().discoverProviders(false).provider(p)
                .defaultTarget(ModelDeployer.AUTO).build()) {
            ModelSpec spec = spec("long").toBuilder().maxInferenceTime(Duration.ofMinutes(20)).build();

            PlacementException e = assertThrows(PlacementException.class, () -> d.deploy(spec));

            assertTrue(e.getMessage().contains("over the 900 s limit"), e.getMessage());
            assertTrue(e.getMessage().contains("over the 60 s limit"), e.getMessage());
            assertTrue(e.decision().chosen().isEmpty());
            assertTrue(e.decision().candidates().stream().anyMatch(c -> c.name().equals("cloud:small")));
            verify(cloud, never()).deploy(any(), any());
        }
    }

    @Test
    void deploy_whenAutoAndOneFits_deploysThereWithTheChosenCandidate() {
        Target cloud = target("cloud");
        TargetProvider p = provider("cloud", cloud, profile("cloud", "small", true, null));
        try (ModelDeployer d = ModelDeployer.builder().discoverProviders(false).provider(p)
                .provider(provider("local", target("local"))).defaultTarget(ModelDeployer.AUTO).build()) {
            DeployResult r = d.deploy(spec("fits"));

            ArgumentCaptor<DeployContext> ctx = ArgumentCaptor.forClass(DeployContext.class);
            verify(cloud).deploy(eq(spec("fits")), ctx.capture());
            assertEquals("cloud:small", ctx.getValue().candidate().orElseThrow().name());
            assertEquals("cloud", ctx.getValue().target());
            assertTrue(r.placementDecision().isPresent(), "the result carries the decision");
        }
    }

    @Test
    void build_whenAProviderIsNamedAuto_fails() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> ModelDeployer.builder().discoverProviders(false).provider(provider("auto", target("auto")))
                        .defaultTarget(ModelDeployer.AUTO).build());
        assertTrue(e.getMessage().contains("may not be named 'auto'"), e.getMessage());
    }

    @Test
    void describe_whenNoTargetHasIt_throwsNotFoundNamingTheTarget() {
        Target alpha = target("alpha");
        when(alpha.describe("nope")).thenReturn(Optional.empty());
        try (ModelDeployer d = ModelDeployer.builder().discoverProviders(false).provider(provider("alpha", alpha))
                .defaultTarget("alpha").build()) {
            DeploymentNotFoundException e = assertThrows(DeploymentNotFoundException.class, () -> d.describe("nope"));
            assertEquals("nope", e.deploymentName());
            assertTrue(e.getMessage().contains("target alpha"), e.getMessage());
        }
    }

    @Test
    void close_closesTheTargetsItCreated() {
        Target alpha = target("alpha");
        ModelDeployer d = ModelDeployer.builder().discoverProviders(false).provider(provider("alpha", alpha))
                .defaultTarget("alpha").build();
        d.deploy(spec("m"));
        d.close();

        verify(alpha).close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> d.deploy(spec("m")));
        assertSame(IllegalStateException.class, e.getClass());
    }

    private static Deployment deployed(String name, String target) {
        return new Deployment(name, target, "fake", DeploymentStatus.IN_SERVICE, "", "h", "", null, null, Map.of());
    }

    private ModelDeployer autoOver(Target cloud, Target local) {
        return ModelDeployer.builder().discoverProviders(false).provider(provider("cloud", cloud))
                .provider(provider("local", local)).defaultTarget(ModelDeployer.AUTO).build();
    }

    @Test
    void describeInvokeUndeploy_whenAutoFindsTheNameOnTwoTargets_failNamingBoth_andRemoveNothing() {
        Target cloud = target("cloud");
        Target local = target("local");
        when(cloud.describe("m")).thenReturn(Optional.of(deployed("m", "cloud")));
        when(local.describe("m")).thenReturn(Optional.of(deployed("m", "local")));
        try (ModelDeployer d = autoOver(cloud, local)) {
            for (org.junit.jupiter.api.function.Executable call : List.<org.junit.jupiter.api.function.Executable>of(
                    () -> d.describe("m"), () -> d.client("m"), () -> d.undeploy("m"))) {
                InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, call);
                assertEquals("deployment 'm' exists on 2 targets: cloud and local; name the one you mean "
                        + "(--target cloud, or ModelDeployer.Builder.defaultTarget)", e.getMessage());
            }
        }
        verify(cloud, never()).undeploy(any(), any());
        verify(local, never()).undeploy(any(), any());
        verify(cloud, never()).invoker(any());
    }

    @Test
    void undeploy_whenAutoFindsTheNameOnOneTarget_removesItThereOnly_withTheGivenTimeout() {
        Target cloud = target("cloud");
        Target local = target("local");
        when(local.describe("m")).thenReturn(Optional.of(deployed("m", "local")));
        when(local.undeploy(eq("m"), any())).thenReturn(true);
        try (ModelDeployer d = autoOver(cloud, local)) {
            assertTrue(d.undeploy("m", dev.mldeploy.ProgressListener.none(), Duration.ofSeconds(7)));
        }
        ArgumentCaptor<DeployContext> ctx = ArgumentCaptor.forClass(DeployContext.class);
        verify(local).undeploy(eq("m"), ctx.capture());
        Duration remaining = ctx.getValue().remaining();
        assertTrue(remaining.compareTo(Duration.ofSeconds(7)) <= 0 && remaining.compareTo(Duration.ofMinutes(1)) < 0,
                "the deadline is the 7 s given, not the 30 min default: " + remaining);
        verify(cloud, never()).undeploy(any(), any());
    }

    @Test
    void undeploy_whenAutoFindsTheNameNowhere_asksEveryTargetToRemoveLeftovers() {
        Target cloud = target("cloud");
        Target local = target("local");
        when(cloud.undeploy(eq("m"), any())).thenReturn(true);
        try (ModelDeployer d = autoOver(cloud, local)) {
            assertTrue(d.undeploy("m"), "the cloud target removed what a cut-off deploy left");
        }
        verify(cloud).undeploy(eq("m"), any());
        verify(local).undeploy(eq("m"), any());
    }

    @Test
    void describe_whenAutoFindsTheNameOnOneTarget_returnsIt() {
        Target cloud = target("cloud");
        Target local = target("local");
        when(local.describe("m")).thenReturn(Optional.of(deployed("m", "local")));
        try (ModelDeployer d = autoOver(cloud, local)) {
            assertEquals("local", d.describe("m").target());
        }
    }

    /** A target with only the required methods: no rollback. */
    private static Target withoutRollback(String name) {
        return new Target() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public DeployResult deploy(ModelSpec spec, DeployContext context) {
                throw new AssertionError("not in this test");
            }

            @Override
            public Optional<Deployment> describe(String n) {
                return Optional.of(deployed(n, name));
            }

            @Override
            public List<Deployment> list() {
                return List.of();
            }

            @Override
            public boolean undeploy(String n, DeployContext context) {
                throw new AssertionError("not in this test");
            }

            @Override
            public dev.mldeploy.spi.Invoker invoker(String n) {
                throw new AssertionError("not in this test");
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void rollback_whenTheTargetCannotRollBack_throwsNotSupportedNamingTheTarget() {
        try (ModelDeployer d = ModelDeployer.builder().discoverProviders(false)
                .provider(provider("plain", withoutRollback("plain"))).defaultTarget("plain").build()) {
            dev.mldeploy.NotSupportedException e = assertThrows(dev.mldeploy.NotSupportedException.class,
                    () -> d.rollback("m"));
            assertEquals("target plain cannot roll back deployments; deploy the version you want instead",
                    e.getMessage());
            assertEquals("plain", e.target());
            assertEquals("rollback", e.operation());
        }
    }

    @Test
    void rollback_onTheOptionsTarget_returnsWhatTheTargetDid_withTheGivenTimeout() {
        Target cloud = target("cloud");
        Target local = target("local");
        dev.mldeploy.RollbackResult done = new dev.mldeploy.RollbackResult(deployed("m", "cloud"), "2", "1",
                "moved back");
        when(cloud.rollback(eq("m"), any())).thenReturn(done);
        try (ModelDeployer d = ModelDeployer.builder().discoverProviders(false).provider(provider("cloud", cloud))
                .provider(provider("local", local)).build()) {
            assertSame(done, d.rollback("m", o -> o.target("cloud").timeout(Duration.ofSeconds(7))));
        }
        ArgumentCaptor<DeployContext> ctx = ArgumentCaptor.forClass(DeployContext.class);
        verify(cloud).rollback(eq("m"), ctx.capture());
        assertTrue(ctx.getValue().remaining().compareTo(Duration.ofSeconds(7)) <= 0, ctx.getValue().toString());
        assertEquals("cloud", ctx.getValue().target());
        verify(local, never()).rollback(any(), any());
    }

    @Test
    void rollback_whenAutoFindsTheNameOnOneTarget_rollsBackThereOnly() {
        Target cloud = target("cloud");
        Target local = target("local");
        when(local.describe("m")).thenReturn(Optional.of(deployed("m", "local")));
        try (ModelDeployer d = autoOver(cloud, local)) {
            d.rollback("m");
        }
        verify(local).rollback(eq("m"), any());
        verify(cloud, never()).rollback(any(), any());
    }

    @Test
    void rollback_whenAutoFindsTheNameNowhere_throwsNotFoundNamingEveryTarget() {
        Target cloud = target("cloud");
        Target local = target("local");
        try (ModelDeployer d = autoOver(cloud, local)) {
            DeploymentNotFoundException e = assertThrows(DeploymentNotFoundException.class, () -> d.rollback("m"));
            assertTrue(e.getMessage().contains("on targets cloud, local"), e.getMessage());
        }
        verify(cloud, never()).rollback(any(), any());
        verify(local, never()).rollback(any(), any());
    }

    @Test
    void packageModel_asksTheProviderForThePackagerOfTheDeployersEnvironment() throws IOException {
        TargetProvider p = provider("cloud", target("cloud"));
        ArgumentCaptor<dev.mldeploy.spi.TargetContext> seen = ArgumentCaptor.forClass(
                dev.mldeploy.spi.TargetContext.class);
        Path written = tmp.resolve("out/artifact");
        when(p.packager(seen.capture())).thenReturn(Optional.of((spec, out) -> List.of(written)));
        Path model = Files.createDirectories(tmp.resolve("m"));
        Files.writeString(model.resolve("inference.py"), "def model_fn(d):\n    return 1\n\n"
                + "def predict_fn(x, m):\n    return x\n");
        try (ModelDeployer d = ModelDeployer.builder().discoverProviders(false).provider(p).defaultTarget("cloud")
                .environment(Map.of("MLDEPLOY_SAGEMAKER_FRAMEWORK", "xgboost")).build()) {
            assertEquals(List.of(written), d.packageModel(ModelSpec.builder("m").source(model).build(), "cloud",
                    tmp.resolve("out")));
        }
        assertEquals(Optional.of("xgboost"), seen.getValue().env("MLDEPLOY_SAGEMAKER_FRAMEWORK"));
    }
}
