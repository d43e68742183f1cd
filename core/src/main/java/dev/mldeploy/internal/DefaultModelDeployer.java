package dev.mldeploy.internal;

import dev.mldeploy.DeployOptions;
import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentMetrics;
import dev.mldeploy.DeploymentNotFoundException;
import dev.mldeploy.LogEvent;
import dev.mldeploy.LogQuery;
import dev.mldeploy.MetricsQuery;
import dev.mldeploy.InferenceClient;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.PlacementException;
import dev.mldeploy.ProgressListener;
import dev.mldeploy.RollbackResult;
import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.PlacementDecision;
import dev.mldeploy.PlacementOptions;
import dev.mldeploy.spi.DeployContext;
import dev.mldeploy.spi.Target;
import dev.mldeploy.spi.TargetContext;
import dev.mldeploy.spi.TargetProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link ModelDeployer} implementation. Not API. */
public final class DefaultModelDeployer implements ModelDeployer {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultModelDeployer.class);

    private final String defaultTarget;
    private final Map<String, TargetProvider> providers;
    private final TargetContext context;
    private final ProviderPlacement placement;
    private final Map<String, Target> targets = new ConcurrentHashMap<>();
    private final Set<InferenceClient> clients = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public DefaultModelDeployer(String defaultTarget, List<TargetProvider> explicit, boolean discover,
                                ClassLoader classLoader, Map<String, String> environment) {
        this.providers = resolveProviders(explicit, discover, classLoader);
        if (!AUTO.equals(defaultTarget) && !providers.containsKey(defaultTarget)) {
            throw unknownTarget(defaultTarget);
        }
        this.defaultTarget = defaultTarget;
        this.context = new TargetContext(environment);
        this.placement = ProviderPlacement.of(providers.values());
        LOG.debug("mldeploy targets {}, default {}", providers.keySet(), defaultTarget);
    }

    static Map<String, TargetProvider> resolveProviders(List<TargetProvider> explicit, boolean discover,
                                                        ClassLoader classLoader) {
        Map<String, TargetProvider> discovered = new TreeMap<>();
        if (discover) {
            for (TargetProvider p : ServiceLoader.load(TargetProvider.class, classLoader)) {
                TargetProvider previous = discovered.putIfAbsent(p.name(), p);
                if (previous != null && previous.getClass() != p.getClass()) {
                    throw new InvalidConfigurationException("two target providers are named '" + p.name() + "': "
                            + previous.getClass().getName() + " and " + p.getClass().getName()
                            + "; remove one from the class path");
                }
            }
        }
        Map<String, TargetProvider> chosen = new TreeMap<>(discovered);
        Map<String, TargetProvider> explicitByName = new LinkedHashMap<>();
        for (TargetProvider p : explicit) {
            if (explicitByName.putIfAbsent(p.name(), p) != null) {
                throw new InvalidConfigurationException("two target providers named '" + p.name()
                        + "' were given to the builder; give one");
            }
            chosen.put(p.name(), p); // an explicit choice wins over discovery
        }
        if (chosen.containsKey(AUTO)) {
            throw new InvalidConfigurationException("a target provider may not be named '" + AUTO + "' ("
                    + chosen.get(AUTO).getClass().getName() + "): that name asks for placement");
        }
        return java.util.Collections.unmodifiableMap(chosen);
    }

    private InvalidConfigurationException unknownTarget(String name) {
        return new InvalidConfigurationException("unknown target '" + name + "'; known targets: "
                + String.join(", ", knownNames()) + (name.equals("sagemaker") || name.equals("lambda")
                ? " (add the dev.mldeploy:mldeploy-" + name + " module to the class path)" : ""));
    }

    private List<String> knownNames() {
        List<String> names = new ArrayList<>(providers.keySet());
        names.add(AUTO);
        return names;
    }

    @Override
    public String defaultTarget() {
        return defaultTarget;
    }

    @Override
    public List<String> targets() {
        return List.copyOf(providers.keySet());
    }

    @Override
    public PlacementDecision plan(ModelSpec spec, PlacementOptions options, String target) {
        ensureOpen();
        Objects.requireNonNull(target, "target");
        return AUTO.equals(target) ? placement.decide(spec, options) : placement.decide(spec, options, target);
    }

    @Override
    public List<java.nio.file.Path> packageModel(ModelSpec spec, String targetName, java.nio.file.Path outDir) {
        ensureOpen();
        spec.requireSource();
        TargetProvider provider = providers.get(targetName);
        if (provider == null) {
            throw unknownTarget(targetName);
        }
        return provider.packager(context).orElseThrow(() -> new InvalidConfigurationException("target '" + targetName
                + "' has nothing to package; targets that do: " + providers.values().stream()
                .filter(p -> p.packager().isPresent()).map(TargetProvider::name).toList()))
                .write(spec, outDir);
    }

    @Override
    public DeployResult deploy(ModelSpec spec, DeployOptions options) {
        ensureOpen();
        spec.requireSource();
        String name = options.target().orElse(defaultTarget);
        PlacementDecision decision;
        CandidateEvaluation candidate;
        if (AUTO.equals(name)) {
            // only providers contribute profiles, so the chosen target is one of them
            decision = placement.decide(spec, options.placementOptions());
            candidate = decision.chosen().orElseThrow(() -> new PlacementException(decision.explanation(), decision));
            name = candidate.target();
        } else {
            if (!providers.containsKey(name)) {
                throw unknownTarget(name);
            }
            String targetName = name;
            if (placement.places(targetName)) {
                decision = placement.decide(spec, options.placementOptions(), targetName);
                candidate = decision.chosen().orElseThrow(() -> new PlacementException("target '" + targetName
                        + "' cannot hold '" + spec.name() + "': " + decision.explanation(), decision));
            } else {
                decision = null;
                candidate = null;
            }
        }
        Target target = target(name);
        DeployContext ctx = DeployContext.of(spec.name(), name, options.progressListener(), options.timeout(),
                decision, candidate).withRollout(options.rollout());
        if (options.alarms().isPresent()) {
            ctx = ctx.withAlarms(options.alarms().get());
        }
        LOG.debug("deploying '{}' to {}", spec.name(), name);
        DeployResult result = target.deploy(spec, ctx);
        if (result.placement() == null && decision != null) {
            result = result.withPlacement(decision);
        }
        return result;
    }

    @Override
    public Deployment describe(String name) {
        return find(name).map(Map.Entry::getValue).orElseThrow(() -> notFound(name));
    }

    @Override
    public List<Deployment> list() {
        ensureOpen();
        List<Deployment> all = new ArrayList<>();
        for (String t : searchedTargets()) {
            all.addAll(target(t).list());
        }
        all.sort(Comparator.comparing(Deployment::name).thenComparing(Deployment::target));
        return List.copyOf(all);
    }

    @Override
    public boolean undeploy(String name) {
        return undeploy(name, ProgressListener.none());
    }

    /**
     * On one target, removes what is there. With {@code auto}: a name found on two targets is an error naming both
     * (removing both would be a guess); found on one, that one is undeployed; found on none, every target is asked
     * to remove what a cut-off deploy may have left under the name.
     */
    @Override
    public boolean undeploy(String name, ProgressListener listener, java.time.Duration timeout) {
        ensureOpen();
        Objects.requireNonNull(timeout, "timeout");
        List<String> on = AUTO.equals(defaultTarget) ? List.copyOf(findAll(name).keySet()) : List.of();
        List<String> from = on.size() == 1 ? on : searchedTargets();
        boolean removed = false;
        for (String t : from) {
            removed |= target(t).undeploy(name, DeployContext.of(name, t, listener, timeout));
        }
        return removed;
    }

    /**
     * On the options' target, or the default one; with {@code auto}, on the one target the deployment is found on
     * (on two, an error naming both).
     */
    @Override
    public RollbackResult rollback(String name, DeployOptions options) {
        ensureOpen();
        Objects.requireNonNull(name, "name");
        String t = options.target().orElse(defaultTarget);
        if (AUTO.equals(t)) {
            Map<String, Deployment> found = findAll(name, allTargets());
            if (found.isEmpty()) {
                throw notFound(name, allTargets());
            }
            t = found.keySet().iterator().next();
        }
        LOG.debug("rolling '{}' back on {}", name, t);
        return target(t).rollback(name, DeployContext.of(name, t, options.progressListener(), options.timeout()));
    }

    @Override
    public DeploymentMetrics metrics(String name, MetricsQuery query) {
        Objects.requireNonNull(query, "query");
        return target(targetOf(name)).metrics(name, query);
    }

    /** On a named target the target is asked even for a name it does not know: a failed deploy's log may be left. */
    @Override
    public List<LogEvent> logs(String name, LogQuery query) {
        Objects.requireNonNull(query, "query");
        return target(targetOf(name)).logs(name, query);
    }

    /** The target the deployment {@code name} is on: the default one, or for auto the one it is found on. */
    private String targetOf(String name) {
        if (!AUTO.equals(defaultTarget)) {
            return defaultTarget;
        }
        return find(name).map(Map.Entry::getKey).orElseThrow(() -> notFound(name));
    }

    @Override
    public InferenceClient client(String name) {
        Map.Entry<String, Deployment> found = find(name).orElseThrow(() -> notFound(name));
        String targetName = found.getKey();
        InferenceClient[] holder = new InferenceClient[1];
        InferenceClient client = new DefaultInferenceClient(name, targetName, target(targetName).invoker(name),
                () -> clients.remove(holder[0]));
        holder[0] = client;
        clients.add(client);
        return client;
    }

    /** The deployment named {@code name} on the searched targets; on two or more (auto), an error naming them. */
    private Optional<Map.Entry<String, Deployment>> find(String name) {
        Map<String, Deployment> found = findAll(name);
        return found.entrySet().stream().findFirst();
    }

    /** Every searched target's deployment named {@code name}, in search order; two or more are an error. */
    private Map<String, Deployment> findAll(String name) {
        return findAll(name, searchedTargets());
    }

    private Map<String, Deployment> findAll(String name, List<String> searched) {
        ensureOpen();
        Map<String, Deployment> found = new LinkedHashMap<>();
        for (String t : searched) {
            target(t).describe(name).ifPresent(d -> found.put(t, d));
        }
        if (found.size() > 1) {
            List<String> on = List.copyOf(found.keySet());
            throw new InvalidConfigurationException("deployment '" + name + "' exists on " + on.size()
                    + " targets: " + String.join(" and ", on) + "; name the one you mean (--target "
                    + on.get(0) + ", or ModelDeployer.Builder.defaultTarget)");
        }
        return found;
    }

    private DeploymentNotFoundException notFound(String name) {
        return notFound(name, searchedTargets());
    }

    private DeploymentNotFoundException notFound(String name, List<String> searched) {
        return new DeploymentNotFoundException(name, "no deployment named '" + name + "' on "
                + (searched.size() == 1 ? "target " + searched.get(0) : "targets " + String.join(", ", searched))
                + "; deploy it first, or name the target it is on");
    }

    /** The default target, or every target for auto (cloud targets first). */
    private List<String> searchedTargets() {
        return AUTO.equals(defaultTarget) ? allTargets() : List.of(defaultTarget);
    }

    /** Every target, cloud targets first. */
    private List<String> allTargets() {
        List<String> names = new ArrayList<>(providers.keySet());
        names.sort(Comparator.comparing((String n) -> n.equals(LOCAL)).thenComparing(n -> n));
        return names;
    }

    private Target target(String name) {
        ensureOpen();
        TargetProvider provider = providers.get(name);
        if (provider == null) {
            throw unknownTarget(name);
        }
        return targets.computeIfAbsent(name, n -> provider.create(context));
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this ModelDeployer is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (InferenceClient c : List.copyOf(clients)) {
            try {
                c.close();
            } catch (RuntimeException e) {
                LOG.warn("closing the client for '{}' failed: {}", c.deploymentName(), e.toString());
            }
        }
        for (Target t : targets.values()) {
            try {
                t.close();
            } catch (RuntimeException e) {
                LOG.warn("closing target {} failed: {}", t.name(), e.toString());
            }
        }
        targets.clear();
    }
}
