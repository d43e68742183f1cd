package dev.mldeploy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * What to deploy: a named model, the directory holding its Python code and files, and what it needs.
 *
 * <p>The model directory holds an {@code inference.py} with the SageMaker inference-toolkit hooks
 * {@code model_fn(model_dir)}, {@code input_fn(body, content_type)}, {@code predict_fn(data, model)} and
 * {@code output_fn(prediction, accept)}; only {@code model_fn} and {@code predict_fn} are required.
 *
 * <p>Immutable and validated when built: every problem raises {@link InvalidSpecException} with what to change.
 */
public final class ModelSpec {

    /**
     * The characters every target can take in a name (it names files, processes and cloud resources): letters,
     * digits, hyphens and underscores, starting and ending with a letter or digit. Each target adds its own rule
     * (SageMaker has no underscores; AWS names are shorter), which its placement profile reports as a reason and
     * the target checks before any call.
     */
    public static final Pattern NAME_PATTERN = Pattern.compile("^[a-zA-Z0-9]([a-zA-Z0-9_-]*[a-zA-Z0-9])?$");
    /** Longest name any target is asked to take: well inside every file system's file-name limit. */
    public static final int MAX_NAME_LENGTH = 128;
    public static final String DEFAULT_PYTHON_VERSION = "3.12";
    /** The file in the model directory that defines the hooks. */
    public static final String ENTRY_POINT = ModelSource.ENTRY_POINT;

    private static final Pattern PYTHON_VERSION = Pattern.compile("^3\\.(\\d{1,2})$");
    private static final Pattern ENV_KEY = Pattern.compile("^[a-zA-Z]([a-zA-Z0-9_])*$");
    private static final int MAX_ENV_BYTES = 4 * 1024;
    private static final int MAX_USER_TAGS = 40;

    private final String name;
    private final ModelSource source;
    private final long declaredPackageBytes;
    private final String pythonVersion;
    private final Resources resources;
    private final Map<String, String> environment;
    private final Map<String, String> tags;
    private final TrafficProfile traffic;
    private final Features features;
    private final List<String> excludes;

    private ModelSpec(Builder b) {
        this.name = validateName(b.name);
        this.excludes = List.copyOf(b.excludes);
        this.source = b.source == null ? null : new ModelSource(b.source, excludes);
        this.declaredPackageBytes = b.declaredPackageBytes;
        this.pythonVersion = validatePython(b.pythonVersion);
        this.resources = b.resources;
        this.environment = validateEnvironment(b.environment);
        this.tags = validateTags(b.tags);
        this.traffic = validateTraffic(b.traffic, b.resources);
        this.features = b.features;
    }

    /** An average request cannot take longer than the longest one may. */
    private static TrafficProfile validateTraffic(TrafficProfile traffic, Resources resources) {
        if (traffic.averageInferenceTime().compareTo(resources.maxInferenceTime()) > 0) {
            throw new InvalidSpecException("the average inference time (" + traffic.averageInferenceTime().toMillis()
                    + " ms) is longer than the maximum (" + resources.maxInferenceTime().toMillis() + " ms); lower "
                    + "the average or raise the maximum (--avg-inference-ms, --max-inference-ms)");
        }
        return traffic;
    }

    /** A builder for a model named {@code name}. */
    public static Builder builder(String name) {
        return new Builder().name(name);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A spec for the model in {@code source}, named after the directory, with defaults for everything else. */
    public static ModelSpec fromDirectory(Path source) {
        Objects.requireNonNull(source, "source");
        Path fileName = source.toAbsolutePath().normalize().getFileName();
        return builder(fileName == null ? "" : fileName.toString()).source(source).build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.name = name;
        b.source = source == null ? null : source.directory();
        b.declaredPackageBytes = declaredPackageBytes;
        b.pythonVersion = pythonVersion;
        b.resources = resources;
        b.environment.putAll(environment);
        b.tags.putAll(tags);
        b.traffic = traffic;
        b.features = features;
        b.excludes.addAll(excludes);
        return b;
    }

    public String name() {
        return name;
    }

    /** The model directory; absent for a spec used only to plan ({@link Builder#packageSizeBytes(long)}). */
    public Optional<Path> source() {
        return modelSource().map(ModelSource::directory);
    }

    /** The model directory, or an {@link InvalidSpecException} saying a deploy needs one. */
    public Path requireSource() {
        return requireModelSource().directory();
    }

    /** The model's source (directory, hooks file, excludes); absent for a spec used only to plan. */
    public Optional<ModelSource> modelSource() {
        return Optional.ofNullable(source);
    }

    /** The model's source, or an {@link InvalidSpecException} saying a deploy needs one. */
    public ModelSource requireModelSource() {
        if (source == null) {
            throw new InvalidSpecException("model '" + name + "' has no source directory; a deploy needs one "
                    + "(ModelSpec.Builder.source(dir), or --model DIR)");
        }
        return source;
    }

    /** The package size declared for planning without a source directory. */
    public OptionalLong declaredPackageBytes() {
        return declaredPackageBytes < 0 ? OptionalLong.empty() : OptionalLong.of(declaredPackageBytes);
    }

    public String pythonVersion() {
        return pythonVersion;
    }

    public Resources resources() {
        return resources;
    }

    /** Environment variables for the model process, in key order. */
    public Map<String, String> environment() {
        return environment;
    }

    /** Tags for every resource the deployment creates, in key order. */
    public Map<String, String> tags() {
        return tags;
    }

    public TrafficProfile traffic() {
        return traffic;
    }

    public Features features() {
        return features;
    }

    /**
     * Files to leave out of the packages besides mldeploy's defaults and the model root's {@code .mldeployignore}:
     * gitignore patterns, applied after both (so {@code !pattern} re-includes), in the order given.
     */
    public List<String> excludes() {
        return excludes;
    }

    /** Target-neutral rules only: each target checks its own (shorter, stricter) naming rule. */
    private static String validateName(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidSpecException("model name is missing; give one of 1 to " + MAX_NAME_LENGTH
                    + " letters, digits, hyphens and underscores");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new InvalidSpecException("model name '" + name.substring(0, 20) + "...' is " + name.length()
                    + " characters; use at most " + MAX_NAME_LENGTH);
        }
        if (!NAME_PATTERN.matcher(name).matches()) {
            throw new InvalidSpecException("model name '" + name + "' is invalid: use letters, digits, hyphens and "
                    + "underscores, starting and ending with a letter or digit (" + NAME_PATTERN.pattern() + ")");
        }
        return name;
    }

    private static String validatePython(String version) {
        Objects.requireNonNull(version, "pythonVersion");
        var m = PYTHON_VERSION.matcher(version);
        if (!m.matches() || Integer.parseInt(m.group(1)) < 9) {
            throw new InvalidSpecException("python version '" + version + "' is invalid; use 3.N with N at least 9 "
                    + "(Lambda runs python3.10 to python3.14)");
        }
        return version;
    }

    private static Map<String, String> validateEnvironment(Map<String, String> env) {
        int bytes = 0;
        for (var e : env.entrySet()) {
            if (!ENV_KEY.matcher(e.getKey()).matches()) {
                throw new InvalidSpecException("environment variable name '" + e.getKey() + "' is invalid; start "
                        + "with a letter and use letters, digits and underscores");
            }
            if (e.getKey().startsWith("AWS_") || e.getKey().startsWith("MLDEPLOY_")
                    || e.getKey().startsWith("SAGEMAKER_") || e.getKey().startsWith("LAMBDA_")) {
                throw new InvalidSpecException("environment variable '" + e.getKey() + "' uses a reserved prefix "
                        + "(AWS_, LAMBDA_, SAGEMAKER_, MLDEPLOY_); rename it");
            }
            bytes += e.getKey().getBytes(StandardCharsets.UTF_8).length
                    + e.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        if (bytes > MAX_ENV_BYTES) {
            throw new InvalidSpecException("environment variables take " + bytes + " bytes, over Lambda's "
                    + MAX_ENV_BYTES + "-byte limit; move large values into a file in the model directory");
        }
        return java.util.Collections.unmodifiableMap(new TreeMap<>(env));
    }

    private static Map<String, String> validateTags(Map<String, String> tags) {
        if (tags.size() > MAX_USER_TAGS) {
            throw new InvalidSpecException(tags.size() + " tags given; use at most " + MAX_USER_TAGS
                    + " (AWS allows 50 per resource and mldeploy adds its own)");
        }
        for (var e : tags.entrySet()) {
            String k = e.getKey();
            if (k.isEmpty() || k.length() > 128) {
                throw new InvalidSpecException("tag key '" + k + "' must be 1 to 128 characters");
            }
            if (k.toLowerCase(java.util.Locale.ROOT).startsWith("aws:") || k.startsWith("mldeploy:")) {
                throw new InvalidSpecException("tag key '" + k + "' uses a reserved prefix (aws:, mldeploy:)");
            }
            if (e.getValue().length() > 256) {
                throw new InvalidSpecException("tag '" + k + "' has a value of " + e.getValue().length()
                        + " characters; use at most 256");
            }
        }
        return java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ModelSpec other)) {
            return false;
        }
        return declaredPackageBytes == other.declaredPackageBytes && name.equals(other.name)
                && Objects.equals(source, other.source) && pythonVersion.equals(other.pythonVersion)
                && resources.equals(other.resources) && environment.equals(other.environment)
                && tags.equals(other.tags) && traffic.equals(other.traffic) && features.equals(other.features)
                && excludes.equals(other.excludes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, source, declaredPackageBytes, pythonVersion, resources, environment, tags, traffic,
                features, excludes);
    }

    @Override
    public String toString() {
        // environment values may hold secrets: print keys only
        return "ModelSpec{name=" + name + ", source=" + source().orElse(null) + ", python=" + pythonVersion
                + ", resources=" + resources + ", environmentKeys=" + environment.keySet() + ", tags=" + tags
                + ", traffic=" + traffic + ", features=" + features + (excludes.isEmpty() ? "" : ", excludes=" + excludes) + "}";
    }

    /** Builds a {@link ModelSpec}; {@link #build()} validates. */
    public static final class Builder {
        private String name;
        private Path source;
        private long declaredPackageBytes = -1;
        private String pythonVersion = DEFAULT_PYTHON_VERSION;
        private Resources resources = Resources.defaults();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final Map<String, String> tags = new LinkedHashMap<>();
        private TrafficProfile traffic = TrafficProfile.defaults();
        private Features features = Features.none();
        private final List<String> excludes = new ArrayList<>();

        private Builder() {
        }

        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** The directory holding {@code inference.py} and the model's files. */
        public Builder source(Path source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /** For planning without a directory: the size of the unpacked package, in bytes. */
        public Builder packageSizeBytes(long bytes) {
            if (bytes < 0) {
                throw new InvalidSpecException("packageSizeBytes must be at least 0, was " + bytes);
            }
            this.declaredPackageBytes = bytes;
            return this;
        }

        public Builder pythonVersion(String pythonVersion) {
            this.pythonVersion = Objects.requireNonNull(pythonVersion, "pythonVersion");
            return this;
        }

        public Builder resources(Resources resources) {
            this.resources = Objects.requireNonNull(resources, "resources");
            return this;
        }

        public Builder memoryMb(int memoryMb) {
            this.resources = resources.withMemoryMb(memoryMb);
            return this;
        }

        public Builder ephemeralStorageMb(int mb) {
            this.resources = resources.withEphemeralStorageMb(mb);
            return this;
        }

        public Builder maxInferenceTime(java.time.Duration d) {
            this.resources = resources.withMaxInferenceTime(d);
            return this;
        }

        public Builder gpu(boolean gpu) {
            this.resources = resources.withGpu(gpu);
            return this;
        }

        public Builder architecture(Architecture architecture) {
            this.resources = resources.withArchitecture(architecture);
            return this;
        }

        public Builder environment(Map<String, String> environment) {
            Objects.requireNonNull(environment, "environment");
            this.environment.clear();
            environment.forEach(this::putEnvironment);
            return this;
        }

        public Builder putEnvironment(String key, String value) {
            this.environment.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder tags(Map<String, String> tags) {
            Objects.requireNonNull(tags, "tags");
            this.tags.clear();
            tags.forEach(this::putTag);
            return this;
        }

        public Builder putTag(String key, String value) {
            this.tags.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder traffic(TrafficProfile traffic) {
            this.traffic = Objects.requireNonNull(traffic, "traffic");
            return this;
        }

        public Builder traffic(Consumer<TrafficHolder> edit) {
            TrafficHolder h = new TrafficHolder(traffic);
            edit.accept(h);
            this.traffic = h.value;
            return this;
        }

        public Builder features(Features features) {
            this.features = Objects.requireNonNull(features, "features");
            return this;
        }

        /**
         * Leaves files out of the packages: gitignore patterns ({@code "data/raw/"}, {@code "*.ckpt"},
         * {@code "!keep.ckpt"}) applied after the defaults and {@code .mldeployignore}. Adds to those given before.
         *
         * @throws InvalidSpecException when a pattern is blank, a comment, spans lines or is not valid
         */
        public Builder exclude(String... patterns) {
            Objects.requireNonNull(patterns, "patterns");
            for (String p : patterns) {
                excludes.add(ModelSource.requireValidExclude(Objects.requireNonNull(p, "pattern")));
            }
            return this;
        }

        /** Replaces the excludes with {@code patterns} (see {@link #exclude(String...)}). */
        public Builder excludes(List<String> patterns) {
            Objects.requireNonNull(patterns, "patterns");
            excludes.clear();
            return exclude(patterns.toArray(String[]::new));
        }

        public ModelSpec build() {
            return new ModelSpec(this);
        }
    }

    /** Mutable view used by {@link Builder#traffic(Consumer)}. */
    public static final class TrafficHolder {
        private TrafficProfile value;

        private TrafficHolder(TrafficProfile value) {
            this.value = value;
        }

        public TrafficHolder requestsPerMonth(long v) {
            value = value.withRequestsPerMonth(v);
            return this;
        }

        public TrafficHolder averageInferenceTime(java.time.Duration v) {
            value = value.withAverageInferenceTime(v);
            return this;
        }

        public TrafficHolder peakRequestsPerSecond(double v) {
            value = value.withPeakRequestsPerSecond(v);
            return this;
        }

        public TrafficHolder payloadBytes(long v) {
            value = value.withPayloadBytes(v);
            return this;
        }
    }
}
