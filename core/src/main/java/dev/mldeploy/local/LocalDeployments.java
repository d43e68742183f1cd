package dev.mldeploy.local;

import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentFailedException;
import dev.mldeploy.DeploymentNotFoundException;
import dev.mldeploy.DeploymentStatus;
import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.NoPreviousVersionException;
import dev.mldeploy.RollbackResult;
import dev.mldeploy.bundle.ModelBundle;
import dev.mldeploy.bundle.SpecFingerprint;
import dev.mldeploy.spi.DeployContext;
import dev.mldeploy.spi.Invoker;
import dev.mldeploy.spi.Target;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local {@link Target}: one Python process per deployment, its state in {@code <home>/local/<name>/}.
 * Thread-safe; changes to one deployment are serialized across threads and processes by {@link StateLock}.
 */
final class LocalDeployments implements Target {
    private static final Logger LOG = LoggerFactory.getLogger(LocalDeployments.class);
    /** Marks a deployment directory as made by mldeploy: undeploy removes only such directories, never others. */
    static final String OWNED_MARKER = ".mldeploy-state";
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration PORT_RELEASE_WAIT = Duration.ofSeconds(10);
    /** Extra time an invocation may take on top of the spec's maximum inference time. */
    private static final Duration REQUEST_TIMEOUT_MARGIN = Duration.ofSeconds(10);

    private final LocalTarget config;
    private final Path root;
    private final LocalStarter starter;
    private final ModelInterpreter interpreters;

    LocalDeployments(LocalTarget config) {
        this.config = config;
        this.root = config.stateDirectory();
        this.starter = new LocalStarter(config);
        this.interpreters = new ModelInterpreter(config);
    }

    @Override
    public String name() {
        return LocalTarget.NAME;
    }

    Path stateDir(String name) {
        return root.resolve(name);
    }

    @Override
    public DeployResult deploy(ModelSpec spec, DeployContext ctx) {
        if (ctx.alarms().isPresent()) {
            throw new dev.mldeploy.NotSupportedException(name(), "alarms", "the local target has no CloudWatch "
                    + "alarms; deploy without --alarms (DeployOptions.alarms), or to sagemaker or lambda");
        }
        if (!ctx.rollout().isImmediate()) {
            throw new dev.mldeploy.NotSupportedException("local", "rollout", "the local target replaces its one "
                    + "process at once and watches no alarm, so rollout " + ctx.rollout() + " cannot be kept; "
                    + "drop --rollout/--rollback-alarm, or deploy to sagemaker or lambda");
        }
        Path source = spec.requireSource().toAbsolutePath().normalize();
        refuseSourceInState(source);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("contract", config.contract().id());
        settings.put("python", config.python());
        settings.put("source", source.toString());
        settings.put("passEnvironment", String.join(",", config.passEnvironment()));
        if (config.useInterpreterPackages()) { // only when set: the fingerprints of earlier deploys stay valid
            settings.put("interpreterPackages", "true");
        }
        // the bundle refuses a model file named like an adapter file, as the cloud packages do
        ModelBundle bundle = ModelBundle.of(spec, ModelBundle.Layout.LOCAL_DIRECTORY);
        String hash = SpecFingerprint.of(spec, bundle.tree(), settings);
        Path dir = stateDir(spec.name());
        try (StateLock lock = StateLock.acquire(root, spec.name(), ctx)) {
            Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            DeployResult.Change change = DeployResult.Change.CREATED;
            String note = "";
            Optional<LocalState> old;
            try {
                old = readQuietly(dir);
            } catch (LocalState.DamagedStateException e) {
                ctx.progress("stop", "", "replacing the damaged state of '" + spec.name() + "': " + e.reason());
                stopDamaged(spec.name(), dir, e);
                old = Optional.empty();
                change = DeployResult.Change.UPDATED;
                note = "restarted: its state file " + e.reason() + " and was replaced";
            }
            Optional<ProcessHandle> live = Optional.empty();
            boolean serving = false;
            if (old.isPresent()) {
                LocalState o = old.get();
                createdAt = o.createdAt();
                live = ProcessControl.live(o.pid(), o.processStart());
                serving = live.isPresent()
                        && ProcessControl.probe(o.port(), PING_TIMEOUT, o.identity(), o.pid()).ready();
                if (serving && o.specHash().equals(hash)) {
                    LOG.debug("local model '{}' runs spec {} already (pid {})", spec.name(), hash, o.pid());
                    return new DeployResult(toDeployment(o, DeploymentStatus.IN_SERVICE, ""),
                            DeployResult.Change.UNCHANGED, "local model '" + spec.name() + "' already runs this spec "
                            + "(pid " + o.pid() + ", " + o.endpoint() + "); nothing changed", null);
                }
                change = DeployResult.Change.UPDATED;
            }
            // before the old process is stopped: requirements that do not install leave it running
            ModelInterpreter.Chosen interpreter = interpreters.choose(spec.name(), source, ctx);
            if (old.isPresent()) {
                LocalState o = old.get();
                if (live.isPresent()) {
                    ctx.progress("stop", "", "stopping pid " + o.pid() + (serving ? " to run the changed spec"
                            : ": it does not answer GET /ping as ready"));
                    stopProcess(o.name(), o.pid(), o.port(), live.get());
                    note = serving ? "restarted on the changed spec" : "restarted: the previous process (pid "
                            + o.pid() + ") did not answer GET /ping as ready";
                } else {
                    note = "restarted: the previous process (pid " + o.pid() + ") had died (its log was kept as "
                            + dir.resolve(LocalStarter.PREVIOUS_LOG_FILE) + ")";
                }
            }
            Instant created = createdAt;
            // the version replaced is kept for rollback; a restart of the same spec keeps the one before it
            LocalState.Version previous = old.map(o -> o.specHash().equals(hash) ? o.previous() : o.version())
                    .orElse(null);
            try {
                claimDirectory(dir);
            } catch (IOException e) {
                throw new MlDeployException("cannot create " + dir + ": " + e, e);
            }
            java.util.concurrent.atomic.AtomicReference<LocalState> recorded = new java.util.concurrent.atomic
                    .AtomicReference<>();
            try {
                starter.start(spec, source, interpreter.executable(), dir, ctx, s -> {
                    LocalState st = newState(spec, s, hash, created, source).withPrevious(previous);
                    st.write(dir); // before the process may load the model: a killed deploy leaves it visible
                    recorded.set(st);
                });
            } catch (RuntimeException e) {
                removeState(dir);
                throw e;
            }
            LocalState state = recorded.get();
            ctx.progress("start", "ready", "local model '" + spec.name() + "' answers on " + state.endpoint()
                    + " (pid " + state.pid() + ", " + interpreter.description() + ")");
            String message = switch (change) {
                case CREATED -> "started local model '" + spec.name() + "' on " + state.endpoint() + " (pid "
                        + state.pid() + ")";
                default -> "local model '" + spec.name() + "' " + note + " on " + state.endpoint() + " (pid "
                        + state.pid() + ")";
            } + " with " + interpreter.description();
            Deployment deployment = toDeployment(state, DeploymentStatus.IN_SERVICE, "");
            Map<String, String> attrs = new LinkedHashMap<>(deployment.attributes());
            attrs.put("interpreter", interpreter.executable());
            deployment = new Deployment(deployment.name(), deployment.target(), deployment.variant(),
                    deployment.status(), deployment.statusReason(), deployment.specHash(), deployment.endpoint(),
                    deployment.createdAt(), deployment.updatedAt(), attrs);
            return new DeployResult(deployment, change, message, null);
        }
    }

    private LocalState newState(ModelSpec spec, LocalStarter.Started s, String hash, Instant createdAt, Path source) {
        return new LocalState(spec.name(), s.process().pid(), s.processStart(), s.port(), hash, config.contract(),
                createdAt, Instant.now().truncatedTo(ChronoUnit.MILLIS), s.logFile(), source, config.python(),
                spec.resources().maxInferenceTime().plus(REQUEST_TIMEOUT_MARGIN).toMillis(), s.identity().token(),
                spec.environment(), null);
    }

    /**
     * Restarts the version the deployment ran before its last change, if its model directory is still there; the
     * version rolled back from becomes the previous one, so a second rollback returns to it. A start that fails
     * starts the version rolled back from again.
     *
     * @throws NoPreviousVersionException none is recorded, or its directory is gone or no longer a model
     */
    /** The model process's own output, {@code <home>/local/<name>/server.log} ({@link LocalLogs}). */
    @Override
    public List<dev.mldeploy.LogEvent> logs(String name, dev.mldeploy.LogQuery query) {
        return LocalLogs.read(name, stateDir(name), query);
    }

    @Override
    public RollbackResult rollback(String name, DeployContext ctx) {
        Path dir = stateDir(name);
        if (!isValidName(name)) {
            throw new DeploymentNotFoundException(name, "no local deployment named '" + name + "'");
        }
        try (StateLock lock = StateLock.acquire(root, name, ctx)) {
            LocalState current = readQuietly(dir).orElseThrow(() -> new DeploymentNotFoundException(name,
                    "no local deployment named '" + name + "' in " + root + "; nothing to roll back"));
            LocalState.Version to = current.previous();
            if (to == null) {
                throw new NoPreviousVersionException(name, "local deployment '" + name + "' has no previous version "
                        + "recorded (it was deployed once, or its state was replaced); nothing to roll back to");
            }
            ModelSpec spec = specOf(name, to);
            Optional<ProcessHandle> live = ProcessControl.live(current.pid(), current.processStart());
            if (live.isPresent()) {
                ctx.progress("stop", "", "stopping pid " + current.pid() + " to start the previous version");
                stopProcess(name, current.pid(), current.port(), live.get());
            }
            LocalState.Version from = current.version();
            try {
                LocalState st = start(spec, to, from, current.createdAt(), dir, ctx);
                String message = "rolled local model '" + name + "' back from spec "
                        + SpecFingerprint.shortForm(from.specHash()) + " to " + SpecFingerprint.shortForm(to.specHash())
                        + " (" + to.source() + ") on " + st.endpoint() + " (pid " + st.pid() + ")";
                ctx.progress("done", "ready", message);
                return new RollbackResult(toDeployment(st, DeploymentStatus.IN_SERVICE, ""), from.specHash(),
                        to.specHash(), message);
            } catch (RuntimeException e) {
                String again;
                try {
                    ctx.progress("start", "", "the previous version did not start; starting the current one again");
                    LocalState st = start(specOf(name, from), from, to, current.createdAt(), dir, ctx);
                    again = "started the version it ran (spec " + SpecFingerprint.shortForm(from.specHash())
                            + ") again on " + st.endpoint();
                } catch (RuntimeException second) {
                    e.addSuppressed(second);
                    removeState(dir);
                    again = "the version it ran could not be started again either (" + second.getMessage()
                            + "), so its state was removed: deploy it again";
                }
                throw new DeploymentFailedException("rollback of local model '" + name + "' failed: "
                        + e.getMessage() + "; " + again, e, false);
            }
        }
    }

    /** The spec that starts {@code v} again, or why it cannot be started. */
    private ModelSpec specOf(String name, LocalState.Version v) {
        if (v.contract() != config.contract() || !v.python().equals(config.python())) {
            throw new InvalidConfigurationException("version " + SpecFingerprint.shortForm(v.specHash()) + " of '"
                    + name + "' ran with contract " + v.contract().id() + " and Python " + v.python()
                    + "; this local target has contract " + config.contract().id() + " and Python " + config.python()
                    + ": configure it the same way to start that version");
        }
        if (!Files.isDirectory(v.source())) {
            throw new NoPreviousVersionException(name, "cannot roll back local deployment '" + name + "': the "
                    + "previous version's model directory " + v.source() + " no longer exists; restore it, or "
                    + "deploy the version you want");
        }
        if (v.environment() == null) {
            throw new NoPreviousVersionException(name, "cannot roll back local deployment '" + name + "': the "
                    + "previous version was recorded by an earlier mldeploy without its environment; deploy the "
                    + "version you want");
        }
        try {
            return ModelSpec.builder(name).source(v.source()).environment(v.environment())
                    .maxInferenceTime(Duration.ofMillis(Math.max(1, v.requestTimeoutMs()
                            - REQUEST_TIMEOUT_MARGIN.toMillis()))).build();
        } catch (InvalidSpecException e) {
            throw new NoPreviousVersionException(name, "cannot roll back local deployment '" + name + "': the "
                    + "previous version's model directory " + v.source() + " can no longer be served ("
                    + e.getMessage() + "); restore it, or deploy the version you want");
        }
    }

    /** Starts {@code v} of {@code spec.name()}, recording it with {@code previous} as the version before. */
    private LocalState start(ModelSpec spec, LocalState.Version v, LocalState.Version previous, Instant createdAt,
                             Path dir, DeployContext ctx) {
        java.util.concurrent.atomic.AtomicReference<LocalState> recorded = new java.util.concurrent.atomic
                .AtomicReference<>();
        String python = interpreters.choose(spec.name(), v.source(), ctx).executable();
        starter.start(spec, v.source(), python, dir, ctx, s -> {
            LocalState st = new LocalState(spec.name(), s.process().pid(), s.processStart(), s.port(), v.specHash(),
                    v.contract(), createdAt, Instant.now().truncatedTo(ChronoUnit.MILLIS), s.logFile(), v.source(),
                    v.python(), v.requestTimeoutMs(), s.identity().token(), v.environment(), previous);
            st.write(dir);
            recorded.set(st);
        });
        return recorded.get();
    }

    /**
     * A model directory inside the state directory would be written into (and its files taken for state), and one
     * that holds the state directory would package it: refuse both before anything is written.
     */
    private void refuseSourceInState(Path source) {
        Path r = root.toAbsolutePath().normalize();
        if (source.startsWith(r) || r.startsWith(source)) {
            throw new InvalidSpecException("the model directory " + source + (source.startsWith(r) ? " is inside"
                    : " holds") + " the local target's state directory " + r + "; move the model elsewhere, or "
                    + "choose another mldeploy home (" + LocalTarget.ENV_HOME + ")");
        }
    }

    /** Creates the deployment's directory (0700, marked as made by mldeploy), or checks that the one there is ours. */
    private void claimDirectory(Path dir) throws IOException {
        PrivateFiles.createDirectory(root);
        PrivateFiles.restrict(root);
        Path marker = dir.resolve(OWNED_MARKER);
        if (PrivateFiles.createDirectory(dir) || Files.exists(dir.resolve(LocalState.FILE))) {
            if (!Files.exists(marker)) {
                PrivateFiles.createEmpty(marker);
            }
        } else if (!Files.exists(marker)) {
            throw new InvalidConfigurationException(dir + " exists and was not made by mldeploy; move it away: "
                    + "the local target keeps a deployment's state there");
        }
    }

    private void stopProcess(String name, long pid, int port, ProcessHandle process) {
        if (ProcessControl.stop(process, config.stopGracePeriod())) {
            LOG.warn("local model '{}' (pid {}) did not stop within {} s of SIGTERM; killed it", name, pid,
                    config.stopGracePeriod().toSeconds());
        }
        if (port > 0 && !ProcessControl.waitForPortFree(port, PORT_RELEASE_WAIT)) {
            LOG.warn("port {} of local model '{}' is still taken after its process stopped", port, name);
        }
    }

    /**
     * Stops the process of a deployment whose state is damaged or missing: the pid it names when that process runs
     * the deployment's adapter (and started when it says), else any process running that adapter.
     */
    private void stopDamaged(String name, Path dir, LocalState.DamagedStateException damaged) {
        Path adapterDir = dir.resolve(LocalStarter.ADAPTER_DIR);
        List<ProcessHandle> ours = damaged != null && damaged.pid() > 0
                ? ProcessControl.ours(damaged.pid(), damaged.processStart(), adapterDir).stream().toList()
                : List.of();
        if (ours.isEmpty()) {
            ours = ProcessControl.runningAdapter(adapterDir);
        }
        for (ProcessHandle p : ours) {
            LOG.debug("stopping pid {} of local model '{}' (its state is damaged or missing)", p.pid(), name);
            stopProcess(name, p.pid(), -1, p);
        }
    }

    @Override
    public Optional<Deployment> describe(String name) {
        try {
            return readQuietly(stateDir(name)).map(this::observe);
        } catch (LocalState.DamagedStateException e) {
            return Optional.of(damaged(name, e));
        }
    }

    private Deployment observe(LocalState s) {
        Optional<ProcessHandle> live = ProcessControl.live(s.pid(), s.processStart());
        if (live.isEmpty()) {
            return toDeployment(s, DeploymentStatus.STOPPED, "its process (pid " + s.pid() + ") is not running; see "
                    + "its log " + s.logFile() + ", and deploy again to restart it");
        }
        ProcessControl.Probe probe = ProcessControl.probe(s.port(), PING_TIMEOUT, s.identity(), s.pid());
        if (probe.ready()) {
            return toDeployment(s, DeploymentStatus.IN_SERVICE, "");
        }
        if (probe.proven() && probe.status() == 503) {
            return toDeployment(s, DeploymentStatus.CREATING, "its process (pid " + s.pid() + ") is loading the "
                    + "model (GET /ping answers 503); if no deploy is running, deploy again or undeploy");
        }
        return toDeployment(s, DeploymentStatus.FAILED, "its process (pid " + s.pid() + ") runs but GET /ping on "
                + s.endpoint() + " answered " + (probe.status() < 0 ? "nothing"
                : "HTTP " + probe.status() + (probe.proven() ? "" : " without proving it is that process"))
                + "; see its log " + s.logFile() + ", and deploy again to restart it");
    }

    /** A deployment whose state file cannot be read: listed, so that it can be seen and undeployed. */
    private Deployment damaged(String name, LocalState.DamagedStateException e) {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("stateDir", stateDir(name).toString());
        attrs.put("damaged", "true");
        if (e.pid() > 0) {
            attrs.put("pid", Long.toString(e.pid()));
        }
        return new Deployment(name, LocalTarget.NAME, "unknown", DeploymentStatus.FAILED, e.getMessage(), "", "",
                null, null, attrs);
    }

    private Deployment toDeployment(LocalState s, DeploymentStatus status, String reason) {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("pid", Long.toString(s.pid()));
        attrs.put("port", Integer.toString(s.port()));
        attrs.put("contract", s.contract().id());
        attrs.put("logFile", s.logFile().toString());
        attrs.put("source", s.source().toString());
        attrs.put("python", s.python());
        attrs.put("stateDir", stateDir(s.name()).toString());
        if (s.processStart() != null) {
            attrs.put("processStart", s.processStart().toString());
        }
        return new Deployment(s.name(), LocalTarget.NAME, s.contract().id(), status, reason, s.specHash(),
                s.endpoint(), s.createdAt(), s.updatedAt(), attrs);
    }

    @Override
    public List<Deployment> list() {
        List<Deployment> all = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, p -> Files.isDirectory(p)
                && !p.getFileName().toString().startsWith("."))) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                try {
                    readQuietly(d).ifPresent(s -> all.add(observe(s)));
                } catch (LocalState.DamagedStateException e) {
                    all.add(damaged(name, e));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        all.sort(Comparator.comparing(Deployment::name));
        return List.copyOf(all);
    }

    @Override
    public boolean undeploy(String name, DeployContext ctx) {
        Path dir = stateDir(name);
        if (!isValidName(name) || !Files.isDirectory(dir)) {
            return false;
        }
        try (StateLock lock = StateLock.acquire(root, name, ctx)) {
            if (!ownedByUs(dir)) {
                LOG.debug("{} is no local deployment (no state, not made by mldeploy); leaving it", dir);
                return false; // also when another process removed it while we waited
            }
            try {
                Optional<LocalState> state = readQuietly(dir);
                if (state.isPresent()) {
                    LocalState s = state.get();
                    Optional<ProcessHandle> live = ProcessControl.live(s.pid(), s.processStart());
                    if (live.isPresent()) {
                        ctx.progress("stop", "", "stopping local model '" + name + "' (pid " + s.pid() + ")");
                        stopProcess(name, s.pid(), s.port(), live.get());
                    }
                } else {
                    stopDamaged(name, dir, null); // killed before it recorded a process: there should be none
                }
            } catch (LocalState.DamagedStateException e) {
                ctx.progress("stop", "", "its state is damaged (" + e.reason() + "); stopping the process that runs "
                        + "its adapter, if any");
                stopDamaged(name, dir, e);
            }
            ctx.progress("delete", "", "removing the state in " + dir);
            removeState(dir);
            return true;
        }
    }

    private static boolean ownedByUs(Path dir) {
        return Files.exists(dir.resolve(OWNED_MARKER)) || Files.exists(dir.resolve(LocalState.FILE));
    }

    @Override
    public Invoker invoker(String name) {
        LocalState s = readQuietly(stateDir(name)).orElseThrow(() -> new DeploymentNotFoundException(name,
                "no local deployment named '" + name + "' in " + root + "; deploy it first"));
        return new LocalInvoker(s, () -> readQuietly(stateDir(name)));
    }

    @Override
    public void close() {
        // nothing held: deployments outlive this object by design
    }

    /**
     * The state in {@code dir}; a name that is no deployment name reads as none.
     *
     * @throws LocalState.DamagedStateException the state file is there but cannot be used
     */
    private Optional<LocalState> readQuietly(Path dir) {
        if (!isValidName(dir.getFileName().toString())) {
            return Optional.empty();
        }
        return LocalState.read(dir);
    }

    private static boolean isValidName(String name) {
        return ModelSpec.NAME_PATTERN.matcher(name).matches() && name.length() <= ModelSpec.MAX_NAME_LENGTH;
    }

    /**
     * Removes what mldeploy wrote in {@code dir} (named files only, never a whole tree), then {@code dir} itself
     * when it is empty: a file someone else put there, and the directory holding it, stay.
     */
    static void removeState(Path dir) {
        List<Path> files = new ArrayList<>();
        for (String f : ModelBundle.adapterFiles(ModelBundle.Layout.LOCAL_DIRECTORY).keySet()) {
            files.add(dir.resolve(LocalStarter.ADAPTER_DIR).resolve(f));
            files.add(dir.resolve(LocalStarter.ADAPTER_DIR).resolve(f + ".tmp"));
        }
        // then the adapter's package directory, emptied above, and the adapter directory
        files.add(dir.resolve(LocalStarter.ADAPTER_DIR).resolve(dev.mldeploy.bundle.AdapterFiles.PACKAGE_DIR));
        files.add(dir.resolve(LocalStarter.ADAPTER_DIR));
        for (String f : List.of(LocalState.FILE, LocalState.FILE + ".tmp", LocalStarter.LOG_FILE,
                LocalStarter.PREVIOUS_LOG_FILE, LocalStarter.PREVIOUS_LOG_FILE + ".tmp", OWNED_MARKER,
                OWNED_MARKER + ".tmp")) {
            files.add(dir.resolve(f));
        }
        files.add(dir);
        for (Path f : files) {
            try {
                Files.deleteIfExists(f);
            } catch (DirectoryNotEmptyException e) {
                LOG.warn("left {}: it holds files mldeploy did not write", f);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + f, e);
            }
        }
    }
}
