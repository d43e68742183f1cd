package dev.mldeploy.local;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.spi.Target;
import dev.mldeploy.spi.TargetContext;
import dev.mldeploy.spi.TargetProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The local target, configured: runs the model as a {@code python3} process on 127.0.0.1 through the adapter
 * shipped in the SDK (the same one the SageMaker container runs), with its state (pid and start instant, port, spec
 * hash, a per-deployment token) in {@code <home>/local/<name>/} (directories 0700, files 0600) so that another
 * process can describe, invoke or undeploy it.
 *
 * <p>Only the process mldeploy started gets a payload: its pid and start instant are checked before each request,
 * and it proves it holds the token (HMAC of a nonce) before the first one and in every answer; the token reaches it
 * on stdin, never through the environment. The process is recorded before it loads the model, so a deploy killed at
 * any point leaves nothing {@code list} and {@code undeploy} cannot see. {@code undeploy} removes only the files
 * mldeploy wrote. The model process does not inherit the caller's AWS credentials ({@link #passEnvironment()}).
 * Its {@code server.log} is kept under about 5 MB by the adapter, which rotates it
 * into {@code server.log.1}.
 *
 * <p>A model with a {@code requirements.txt} runs in a virtual environment made from {@link #python()} and cached in
 * {@code <home>/venvs/<key>/}, keyed by the interpreter's identity and the file's content: the first deploy runs
 * {@code python -m venv} and {@code pip install -r requirements.txt} (pip's own configuration applies), later ones
 * reuse it without running pip. {@link Builder#useInterpreterPackages(boolean)} runs the model with the
 * interpreter's own packages instead. The cache is never pruned; delete {@link #environmentCache()} to clear it.
 *
 * <pre>{@code
 * ModelDeployer deployer = ModelDeployer.builder()
 *         .provider(LocalTarget.builder().home(Path.of("/tmp/mldeploy")).startupTimeout(Duration.ofSeconds(30)).build())
 *         .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe. Passed to {@link dev.mldeploy.ModelDeployer.Builder#provider(dev.mldeploy.TargetPlugin)} it
 * wins over the {@link LocalTargetProvider} found by {@link java.util.ServiceLoader}, which reads the same settings
 * from the environment ({@link #fromEnvironment(Map)}).
 */
public final class LocalTarget implements TargetProvider {
    /** The target's name. */
    public static final String NAME = "local";
    /** The largest request body, in bytes: 6 MB, SageMaker's real-time limit, so local behaves like the cloud. */
    public static final long MAX_REQUEST_BYTES = 6L * 1024 * 1024;
    /** Environment variable naming the mldeploy home (default {@code ~/.mldeploy}). */
    public static final String ENV_HOME = "MLDEPLOY_HOME";
    /** Environment variable naming the Python executable (default {@code python3}). */
    public static final String ENV_PYTHON = "MLDEPLOY_PYTHON";
    /** Environment variable choosing the contract: {@code sagemaker} (default) or {@code lambda}. */
    public static final String ENV_CONTRACT = "MLDEPLOY_LOCAL_CONTRACT";
    /**
     * Environment variable naming, comma-separated, the variables of the deploying process the model process may
     * inherit although they are withheld by default ({@link Builder#passEnvironment(java.util.Collection)}).
     */
    public static final String ENV_PASS_ENV = "MLDEPLOY_LOCAL_PASS_ENV";
    /**
     * Environment variable that, {@code true}, runs models with the interpreter's own packages instead of a virtual
     * environment built from their {@code requirements.txt} ({@link Builder#useInterpreterPackages(boolean)}).
     */
    public static final String ENV_INTERPRETER_PACKAGES = "MLDEPLOY_LOCAL_INTERPRETER_PACKAGES";
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(120);
    public static final Duration DEFAULT_STOP_GRACE_PERIOD = Duration.ofSeconds(10);
    public static final String DEFAULT_PYTHON = "python3";

    /** Which serving contract the local process speaks. */
    public enum Contract {
        /** {@code mldeploy_serve.py}: the SageMaker hosting contract, as the SageMaker container runs it. */
        SAGEMAKER("mldeploy_serve.py"),
        /** {@code mldeploy_lambda.py serve}: the model through the Lambda handler, as the Lambda function runs it. */
        LAMBDA("mldeploy_lambda.py");

        private final String script;

        Contract(String script) {
            this.script = script;
        }

        /** The adapter file the process runs ({@code <script> serve --model-dir D --host H --port P}). */
        public String script() {
            return script;
        }

        /** The lower-case name used in the environment and in state files. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The contract named {@code id} ({@code sagemaker}, {@code lambda}; any case). */
        public static Contract of(String id) {
            for (Contract c : values()) {
                if (c.id().equalsIgnoreCase(id.trim())) {
                    return c;
                }
            }
            throw new InvalidConfigurationException("unknown local contract '" + id + "'; use one of "
                    + Arrays.stream(values()).map(Contract::id).toList() + " (" + ENV_CONTRACT + ")");
        }
    }

    private final Path home;
    private final String python;
    private final Duration startupTimeout;
    private final Duration stopGracePeriod;
    private final Contract contract;
    private final java.util.SortedSet<String> passEnvironment;
    private final boolean useInterpreterPackages;
    private final Map<String, String> pipEnvironment;

    private LocalTarget(Builder b) {
        this.useInterpreterPackages = b.useInterpreterPackages;
        this.pipEnvironment = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(b.pipEnvironment));
        this.passEnvironment = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(b.passEnvironment));
        this.home = b.home.toAbsolutePath().normalize();
        this.python = b.python;
        this.startupTimeout = b.startupTimeout;
        this.stopGracePeriod = b.stopGracePeriod;
        this.contract = b.contract;
    }

    /** The defaults: home {@code ~/.mldeploy}, {@code python3}, the SageMaker contract. */
    public static LocalTarget create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The configuration {@code environment} asks for: {@value #ENV_HOME}, {@value #ENV_PYTHON},
     * {@value #ENV_CONTRACT}, {@value #ENV_PASS_ENV}, {@value #ENV_INTERPRETER_PACKAGES}; defaults for what it does not set.
     *
     * @throws InvalidConfigurationException a value is malformed
     */
    public static LocalTarget fromEnvironment(Map<String, String> environment) {
        TargetContext ctx = new TargetContext(environment);
        Builder b = builder();
        ctx.env(ENV_HOME).ifPresent(h -> {
            try {
                b.home(Path.of(h));
            } catch (java.nio.file.InvalidPathException e) {
                throw new InvalidConfigurationException(ENV_HOME + "='" + h + "' is not a valid path: "
                        + e.getMessage(), e);
            }
        });
        ctx.env(ENV_PYTHON).ifPresent(b::python);
        ctx.env(ENV_CONTRACT).ifPresent(c -> b.contract(Contract.of(c)));
        ctx.env(ENV_PASS_ENV).ifPresent(names -> b.passEnvironment(Arrays.stream(names.split(","))
                .map(String::trim).filter(n -> !n.isEmpty()).toList()));
        ctx.env(ENV_INTERPRETER_PACKAGES).ifPresent(v -> {
            String t = v.trim().toLowerCase(Locale.ROOT);
            if (!t.equals("true") && !t.equals("false")) {
                throw new InvalidConfigurationException(ENV_INTERPRETER_PACKAGES + "='" + v + "' must be true or "
                        + "false");
            }
            b.useInterpreterPackages(t.equals("true"));
        });
        return b.build();
    }

    public Builder toBuilder() {
        return new Builder().home(home).python(python).startupTimeout(startupTimeout)
                .stopGracePeriod(stopGracePeriod).contract(contract).passEnvironment(passEnvironment)
                .useInterpreterPackages(useInterpreterPackages).pipEnvironment(pipEnvironment);
    }

    /** A copy with {@code change} applied to a builder of this configuration. */
    public LocalTarget with(Consumer<Builder> change) {
        Builder b = toBuilder();
        change.accept(b);
        return b.build();
    }

    /** The mldeploy home; local deployments live in {@code <home>/local/<name>/}. */
    public Path home() {
        return home;
    }

    /** Where the local deployments' state directories are: {@code <home>/local}. */
    public Path stateDirectory() {
        return home.resolve("local");
    }

    /**
     * Where the virtual environments of models with a {@code requirements.txt} are cached: {@code <home>/venvs}, one
     * directory per key. Never pruned by mldeploy; deleting it (or a key in it) while no local model runs from it
     * clears the cache, and the next deploy builds what it needs again.
     */
    public Path environmentCache() {
        return home.resolve("venvs");
    }

    /**
     * Whether models run with {@link #python()}'s own packages, their {@code requirements.txt} not installed
     * ({@value #ENV_INTERPRETER_PACKAGES}); false by default: a virtual environment is built from it.
     */
    public boolean useInterpreterPackages() {
        return useInterpreterPackages;
    }

    /**
     * Variables added to the inherited environment of {@code python -m venv} and pip when an environment is built
     * (for example {@code PIP_INDEX_URL}, or {@code PIP_NO_INDEX} and {@code PIP_FIND_LINKS} for a wheelhouse); the
     * model process does not get them. Empty by default: pip reads the deploying process's environment and
     * {@code pip.conf}.
     */
    public Map<String, String> pipEnvironment() {
        return pipEnvironment;
    }

    /** The Python executable (a name looked up on the PATH, or a path). */
    public String python() {
        return python;
    }

    /** How long a new process may take to answer {@code GET /ping} (model_fn included). */
    public Duration startupTimeout() {
        return startupTimeout;
    }

    /** How long undeploy waits after SIGTERM before it kills the process. */
    public Duration stopGracePeriod() {
        return stopGracePeriod;
    }

    public Contract contract() {
        return contract;
    }

    /**
     * The deploying process's variables the model process inherits although withheld by default. By default the
     * model process gets the deploying process's environment without its AWS settings and credentials (every
     * {@code AWS_*} variable but {@code AWS_REGION} and {@code AWS_DEFAULT_REGION}; {@code AWS_CONFIG_FILE} and
     * {@code AWS_SHARED_CREDENTIALS_FILE} point at an empty file, so that {@code ~/.aws} is not read either) and
     * without {@code MLDEPLOY_*}, plus the spec's environment. A model that must call AWS locally names what it
     * needs here (for example {@code AWS_PROFILE}); naming any {@code AWS_*} variable also leaves {@code ~/.aws}
     * readable.
     */
    public java.util.SortedSet<String> passEnvironment() {
        return passEnvironment;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "a " + python + " process on 127.0.0.1 (" + contract.id() + " contract), state in "
                + stateDirectory() + (useInterpreterPackages ? ", with the interpreter's own packages"
                : ", requirements.txt installed in environments cached in " + environmentCache());
    }

    /** Creates the target; the context's environment is not read (this configuration is explicit). */
    @Override
    public Target create(TargetContext context) {
        return new LocalDeployments(this);
    }

    @Override
    public String toString() {
        return "LocalTarget{home=" + home + ", python=" + python + ", startupTimeout=" + startupTimeout
                + ", stopGracePeriod=" + stopGracePeriod + ", contract=" + contract.id() + ", passEnvironment="
                + passEnvironment + ", useInterpreterPackages=" + useInterpreterPackages + ", pipEnvironment="
                + pipEnvironment.keySet() + "}";
    }

    /** Builds a {@link LocalTarget}. Not thread-safe. */
    public static final class Builder {
        private Path home = Path.of(System.getProperty("user.home"), ".mldeploy");
        private String python = DEFAULT_PYTHON;
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private Duration stopGracePeriod = DEFAULT_STOP_GRACE_PERIOD;
        private Contract contract = Contract.SAGEMAKER;
        private final java.util.Set<String> passEnvironment = new java.util.TreeSet<>();
        private boolean useInterpreterPackages;
        private final Map<String, String> pipEnvironment = new java.util.TreeMap<>();

        private Builder() {
        }

        /**
         * Runs models with the interpreter's own packages ({@code true}) instead of a virtual environment built from
         * their {@code requirements.txt} (the default); {@value LocalTarget#ENV_INTERPRETER_PACKAGES}.
         */
        public Builder useInterpreterPackages(boolean use) {
            this.useInterpreterPackages = use;
            return this;
        }

        /**
         * Variables added to the inherited environment of venv and pip ({@link LocalTarget#pipEnvironment()}).
         * Replaces any set before.
         */
        public Builder pipEnvironment(Map<String, String> environment) {
            Objects.requireNonNull(environment, "pipEnvironment");
            Map<String, String> checked = new java.util.TreeMap<>();
            environment.forEach((k, v) -> {
                if (k == null || !k.matches("[A-Za-z_][A-Za-z0-9_]*") || v == null) {
                    throw new InvalidConfigurationException("pipEnvironment: '" + k + "' is no environment variable "
                            + "name with a value; give names like PIP_INDEX_URL with non-null values");
                }
                checked.put(k, v);
            });
            pipEnvironment.clear();
            pipEnvironment.putAll(checked);
            return this;
        }

        /**
         * The deploying process's variables the model process inherits although withheld by default (see
         * {@link LocalTarget#passEnvironment()}); {@value LocalTarget#ENV_PASS_ENV}. Replaces any set before.
         */
        public Builder passEnvironment(java.util.Collection<String> names) {
            Objects.requireNonNull(names, "passEnvironment");
            java.util.Set<String> checked = new java.util.TreeSet<>();
            for (String n : names) {
                if (n == null || !n.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw new InvalidConfigurationException("'" + n + "' is no environment variable name; "
                            + ENV_PASS_ENV + " takes names separated by commas, like AWS_PROFILE,AWS_REGION");
                }
                checked.add(n);
            }
            passEnvironment.clear();
            passEnvironment.addAll(checked);
            return this;
        }

        /** The mldeploy home ({@value LocalTarget#ENV_HOME}); state goes to {@code <home>/local/<name>/}. */
        public Builder home(Path home) {
            this.home = Objects.requireNonNull(home, "home");
            return this;
        }

        /** The Python executable, 3.9 or later. Default {@code python3}. */
        public Builder python(String python) {
            Objects.requireNonNull(python, "python");
            if (python.isBlank()) {
                throw new InvalidConfigurationException("the python executable is blank; name one (" + ENV_PYTHON
                        + ", default " + DEFAULT_PYTHON + ")");
            }
            this.python = python;
            return this;
        }

        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = positive(timeout, "startupTimeout");
            return this;
        }

        public Builder stopGracePeriod(Duration grace) {
            Objects.requireNonNull(grace, "stopGracePeriod");
            if (grace.isNegative()) {
                throw new InvalidConfigurationException("stopGracePeriod must not be negative, was " + grace);
            }
            this.stopGracePeriod = grace;
            return this;
        }

        public Builder contract(Contract contract) {
            this.contract = Objects.requireNonNull(contract, "contract");
            return this;
        }

        public LocalTarget build() {
            return new LocalTarget(this);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new InvalidConfigurationException(what + " must be positive, was " + d);
            }
            return d;
        }
    }
}
