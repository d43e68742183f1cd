package dev.mldeploy.local;

import dev.mldeploy.DeployResult;
import dev.mldeploy.Deployment;
import dev.mldeploy.DeploymentNotFoundException;
import dev.mldeploy.DeploymentStatus;
import dev.mldeploy.MlDeployException;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.spi.DeployContext;
import dev.mldeploy.spi.Invoker;
import dev.mldeploy.spi.SourceTree;
import dev.mldeploy.spi.SpecFingerprint;
import dev.mldeploy.spi.Target;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
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
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration PORT_RELEASE_WAIT = Duration.ofSeconds(10);
    /** Extra time an invocation may take on top of the spec's maximum inference time. */
    private static final Duration REQUEST_TIMEOUT_MARGIN = Duration.ofSeconds(10);

    private final LocalTarget config;
    private final Path root;
    private final LocalStarter starter;

    LocalDeployments(LocalTarget config) {
        this.config = config;
        this.root = config.stateDirectory();
        this.starter = new LocalStarter(config);
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
        Path source = spec.requireSource().toAbsolutePath().normalize();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("contract", config.contract().id());
        settings.put("python", config.python());
        settings.put("source", source.toString());
        String hash = SpecFingerprint.of(spec, SourceTree.of(spec), settings);
        Path dir = stateDir(spec.name());
        try (StateLock lock = StateLock.acquire(root, spec.name(), ctx)) {
            Optional<LocalState> old = readQuietly(dir);
            Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            DeployResult.Change change = DeployResult.Change.CREATED;
            String note = "";
            if (old.isPresent()) {
                LocalState o = old.get();
                createdAt = o.createdAt();
                Optional<ProcessHandle> live = ProcessControl.live(o.pid(), o.processStart());
                boolean serving = live.isPresent() && ProcessControl.ping(o.port(), PING_TIMEOUT) == 200;
                if (serving && o.specHash().equals(hash)) {
                    LOG.debug("local model '{}' runs spec {} already (pid {})", spec.name(), hash, o.pid());
                    return new DeployResult(toDeployment(o, DeploymentStatus.IN_SERVICE, ""),
                            DeployResult.Change.UNCHANGED, "local model '" + spec.name() + "' already runs this spec "
                            + "(pid " + o.pid() + ", " + o.endpoint() + "); nothing changed", null);
                }
                change = DeployResult.Change.UPDATED;
                if (live.isPresent()) {
                    ctx.progress("stop", "", "stopping pid " + o.pid() + (serving ? " to run the changed spec"
                            : ": it does not answer GET /ping"));
                    stopProcess(o, live.get());
                    note = serving ? "restarted on the changed spec" : "restarted: the previous process (pid "
                            + o.pid() + ") did not answer GET /ping";
                } else {
                    note = "restarted: the previous process (pid " + o.pid() + ") had died (its log was "
                            + o.logFile() + ")";
                }
            }
            LocalState state;
            try {
                Files.createDirectories(dir);
                LocalStarter.Started started = starter.start(spec, source, dir, ctx);
                state = new LocalState(spec.name(), started.process().pid(), started.processStart(), started.port(),
                        hash, config.contract(), createdAt, Instant.now().truncatedTo(ChronoUnit.MILLIS),
                        started.logFile(), source, config.python(),
                        spec.resources().maxInferenceTime().plus(REQUEST_TIMEOUT_MARGIN).toMillis());
                try {
                    state.write(dir);
                } catch (RuntimeException e) {
                    ProcessControl.stop(started.process(), Duration.ZERO);
                    throw e;
                }
            } catch (IOException | RuntimeException e) {
                deleteTree(dir);
                if (e instanceof IOException io) {
                    throw new MlDeployException("cannot create " + dir + ": " + io, io);
                }
                throw (RuntimeException) e;
            }
            ctx.progress("start", "ready", "local model '" + spec.name() + "' answers on " + state.endpoint()
                    + " (pid " + state.pid() + ")");
            String message = switch (change) {
                case CREATED -> "started local model '" + spec.name() + "' on " + state.endpoint() + " (pid "
                        + state.pid() + ")";
                default -> "local model '" + spec.name() + "' " + note + " on " + state.endpoint() + " (pid "
                        + state.pid() + ")";
            };
            return new DeployResult(toDeployment(state, DeploymentStatus.IN_SERVICE, ""), change, message, null);
        }
    }

    private void stopProcess(LocalState state, ProcessHandle process) {
        if (ProcessControl.stop(process, config.stopGracePeriod())) {
            LOG.warn("local model '{}' (pid {}) did not stop within {} s of SIGTERM; killed it", state.name(),
                    state.pid(), config.stopGracePeriod().toSeconds());
        }
        if (!ProcessControl.waitForPortFree(state.port(), PORT_RELEASE_WAIT)) {
            LOG.warn("port {} of local model '{}' is still taken after its process stopped", state.port(),
                    state.name());
        }
    }

    @Override
    public Optional<Deployment> describe(String name) {
        return readQuietly(stateDir(name)).map(this::observe);
    }

    private Deployment observe(LocalState s) {
        Optional<ProcessHandle> live = ProcessControl.live(s.pid(), s.processStart());
        if (live.isEmpty()) {
            return toDeployment(s, DeploymentStatus.STOPPED, "its process (pid " + s.pid() + ") is not running; see "
                    + "its log " + s.logFile() + ", and deploy again to restart it");
        }
        int ping = ProcessControl.ping(s.port(), PING_TIMEOUT);
        if (ping != 200) {
            return toDeployment(s, DeploymentStatus.FAILED, "its process (pid " + s.pid() + ") runs but GET /ping on "
                    + s.endpoint() + " answered " + (ping < 0 ? "nothing" : "HTTP " + ping) + "; see its log "
                    + s.logFile() + ", and deploy again to restart it");
        }
        return toDeployment(s, DeploymentStatus.IN_SERVICE, "");
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
                readQuietly(d).ifPresent(s -> all.add(observe(s)));
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
        if (!isValidName(name) || !Files.exists(dir)) {
            return false;
        }
        try (StateLock lock = StateLock.acquire(root, name, ctx)) {
            if (!Files.exists(dir)) {
                return false; // another process removed it while we waited
            }
            Optional<LocalState> state = readQuietly(dir);
            if (state.isPresent()) {
                LocalState s = state.get();
                Optional<ProcessHandle> live = ProcessControl.live(s.pid(), s.processStart());
                if (live.isPresent()) {
                    ctx.progress("stop", "", "stopping local model '" + name + "' (pid " + s.pid() + ")");
                    stopProcess(s, live.get());
                }
            }
            ctx.progress("delete", "", "removing " + dir);
            deleteTree(dir);
            return true;
        }
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

    /** The state in {@code dir}; a name that is no deployment name reads as none. */
    private Optional<LocalState> readQuietly(Path dir) {
        if (!isValidName(dir.getFileName().toString())) {
            return Optional.empty();
        }
        return LocalState.read(dir);
    }

    private static boolean isValidName(String name) {
        return ModelSpec.NAME_PATTERN.matcher(name).matches() && name.length() <= ModelSpec.MAX_NAME_LENGTH;
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }
}
