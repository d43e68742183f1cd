package dev.mldeploy.sagemaker.internal;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.spi.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * AWS's prebuilt SageMaker framework serving images (scikit-learn, PyTorch, XGBoost), as published in the SageMaker
 * Python SDK's tables and copied into {@value #RESOURCE} (its {@code source}, {@code retrieved} and {@code leftOut}
 * say from where, when and what is not there). Maps a framework, version, region, processor and optionally a Python
 * version to {@code <account>.dkr.ecr.<region>.<dnsSuffix>/<repository>:<tag>}; anything the table does not know is
 * refused with an {@link InvalidConfigurationException} listing what it knows, before any AWS call. Read with core's
 * SPI {@link Json} (the architecture rules keep Jackson in the examples module). Immutable and thread-safe. Not API.
 */
public final class FrameworkImages {
    public static final String RESOURCE = "/dev/mldeploy/sagemaker/framework-images.json";
    public static final String CPU = "cpu";
    public static final String GPU = "gpu";
    /** An ECR image URI with a tag: account, region, repository, tag. */
    private static final java.util.regex.Pattern ECR_IMAGE = java.util.regex.Pattern.compile(
            "^(\\d{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.[a-z0-9.]+/([a-z0-9._/-]+):([\\w.-]+)$");

    /** One image of a version: its processor, its Python version (null: not part of the tag) and its tag. */
    record Image(String processor, String python, String tag) {
    }

    /** One framework version, with the name of its registry set (region to account). */
    record Version(String version, List<String> aliases, String registries, List<Image> images) {
    }

    record Framework(String name, String repository, List<Version> versions) {
    }

    private static final class Standard {
        static final FrameworkImages TABLE = load();
    }

    private final String source;
    private final String retrieved;
    private final Map<String, Framework> frameworks;
    private final Map<String, Map<String, String>> registries;
    private final Map<String, String> dnsSuffixes;

    private FrameworkImages(String source, String retrieved, Map<String, Framework> frameworks,
                            Map<String, Map<String, String>> registries, Map<String, String> dnsSuffixes) {
        this.source = source;
        this.retrieved = retrieved;
        this.frameworks = Collections.unmodifiableMap(frameworks);
        this.registries = Collections.unmodifiableMap(registries);
        this.dnsSuffixes = Collections.unmodifiableMap(dnsSuffixes);
    }

    /** The table shipped in this jar. */
    public static FrameworkImages standard() {
        return Standard.TABLE;
    }

    private static FrameworkImages load() {
        try (InputStream in = FrameworkImages.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the sagemaker backend's jar");
            }
            return parse(Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    private static FrameworkImages parse(Map<String, Object> root) {
        Map<String, Framework> frameworks = new LinkedHashMap<>();
        object(root, "frameworks").forEach((name, f) -> {
            List<Version> versions = new ArrayList<>();
            for (Map<String, Object> v : objects(field(asObject(f), "versions"))) {
                List<String> aliases = list(field(v, "aliases")).stream().map(String.class::cast).toList();
                List<Image> images = new ArrayList<>();
                for (Map<String, Object> i : objects(field(v, "images"))) {
                    images.add(new Image(text(i, "processor"), (String) i.get("python"), text(i, "tag")));
                }
                versions.add(new Version(text(v, "version"), aliases, text(v, "registries"), List.copyOf(images)));
            }
            frameworks.put(name, new Framework(name, text(asObject(f), "repository"), List.copyOf(versions)));
        });
        Map<String, Map<String, String>> registries = new LinkedHashMap<>();
        object(root, "registries").forEach((name, r) -> {
            Map<String, String> accounts = new TreeMap<>();
            asObject(r).forEach((region, account) -> accounts.put(region, (String) account));
            registries.put(name, Collections.unmodifiableMap(accounts));
        });
        Map<String, String> suffixes = new LinkedHashMap<>();
        objects(field(root, "dnsSuffixes")).forEach(d -> suffixes.put(text(d, "regionPrefix"), text(d, "dnsSuffix")));
        return new FrameworkImages(text(root, "source"), text(root, "retrieved"), frameworks, registries, suffixes);
    }

    private static Object field(Map<String, Object> node, String name) {
        Object v = node.get(name);
        if (v == null) {
            throw new IllegalStateException(RESOURCE + ": '" + name + "' missing");
        }
        return v;
    }

    private static String text(Map<String, Object> node, String name) {
        return (String) field(node, name);
    }

    private static List<?> list(Object value) {
        return (List<?>) value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asObject(Object value) {
        return (Map<String, Object>) value;
    }

    private static List<Map<String, Object>> objects(Object value) {
        return list(value).stream().map(FrameworkImages::asObject).toList();
    }

    private static Map<String, Object> object(Map<String, Object> node, String name) {
        return asObject(field(node, name));
    }

    /** Where the table's facts come from. */
    public String source() {
        return source;
    }

    /** When they were copied ({@code 2026-12-01}). */
    public String retrieved() {
        return retrieved;
    }

    /** The frameworks known, in the table's order. */
    public List<String> frameworks() {
        return List.copyOf(frameworks.keySet());
    }

    /** {@code framework}'s versions, oldest first. @throws InvalidConfigurationException for an unknown framework */
    public List<String> versions(String framework) {
        return framework(framework).versions().stream().map(Version::version).toList();
    }

    /** {@code framework}'s newest known version, its default. */
    public String newest(String framework) {
        List<Version> versions = framework(framework).versions();
        return versions.get(versions.size() - 1).version();
    }

    /** The regions a version has images in, sorted. */
    public List<String> regions(String framework, String version) {
        return List.copyOf(registry(version(framework(framework), version)).keySet());
    }

    /**
     * Throws unless {@code framework} is known (and, when given, {@code version} is one of its versions or
     * aliases).
     */
    public void check(String framework, Optional<String> version) {
        Framework f = framework(framework);
        version.ifPresent(v -> version(f, v));
    }

    /**
     * The image URI.
     *
     * @param framework {@code sklearn}, {@code pytorch} or {@code xgboost}
     * @param version   a version or alias the table lists ({@code 2.6} for {@code 2.6.0})
     * @param region    the AWS region the endpoint is in
     * @param processor {@code cpu} or {@code gpu}
     * @param python    the Python version tag ({@code py312}), or empty for the version's only (or newest) one
     * @throws InvalidConfigurationException naming what is unknown and listing what is known
     */
    public Resolved resolve(String framework, String version, String region, String processor,
                            Optional<String> python) {
        Framework f = framework(framework);
        Version v = version(f, version);
        Map<String, String> accounts = registry(v);
        String account = accounts.get(Objects.requireNonNull(region, "region"));
        if (account == null) {
            throw new InvalidConfigurationException("AWS publishes no " + f.name() + " " + v.version()
                    + " serving image in region '" + region + "' (as far as mldeploy's table of "
                    + retrieved + " knows); regions with one: " + String.join(", ", accounts.keySet())
                    + "; deploy in one of them, or give your own image (--image, MLDEPLOY_IMAGE)");
        }
        List<Image> forProcessor = v.images().stream().filter(i -> i.processor().equals(processor)).toList();
        if (forProcessor.isEmpty()) {
            throw new InvalidConfigurationException("AWS publishes no " + processor + " serving image for "
                    + f.name() + " " + v.version() + "; processors with one: "
                    + String.join(", ", v.images().stream().map(Image::processor).distinct().toList())
                    + (GPU.equals(processor) ? "; for a GPU choose --framework pytorch or xgboost, or a CPU "
                    + "instance type" : "; choose an instance type of that processor"));
        }
        Image image;
        if (python.isPresent()) {
            image = forProcessor.stream().filter(i -> python.get().equals(i.python())).findFirst()
                    .orElseThrow(() -> new InvalidConfigurationException("AWS publishes no " + f.name() + " "
                            + v.version() + " " + processor + " serving image for Python '" + python.get()
                            + "'; Python versions with one: " + String.join(", ", forProcessor.stream()
                            .map(i -> String.valueOf(i.python())).toList())));
        } else {
            image = forProcessor.get(forProcessor.size() - 1);
        }
        String uri = account + ".dkr.ecr." + region + "." + dnsSuffix(region) + "/" + f.repository() + ":"
                + image.tag();
        return new Resolved(uri, f.name(), v.version(), processor, image.python(), region);
    }

    /**
     * The table's prebuilt image {@code uri} names ({@code <account>.dkr.ecr.<region>.<suffix>/<repository>:<tag>}
     * with the account the table lists for that version and region), or empty for any other image: what
     * {@code describe} shows of a model's container.
     */
    public Optional<Resolved> identify(String uri) {
        java.util.regex.Matcher m = ECR_IMAGE.matcher(Objects.requireNonNull(uri, "uri"));
        if (!m.matches()) {
            return Optional.empty();
        }
        String account = m.group(1);
        String region = m.group(2);
        for (Framework f : frameworks.values()) {
            if (!f.repository().equals(m.group(3))) {
                continue;
            }
            for (Version v : f.versions()) {
                Map<String, String> accounts = registries.get(v.registries());
                if (accounts == null || !account.equals(accounts.get(region))) {
                    continue;
                }
                for (Image i : v.images()) {
                    if (i.tag().equals(m.group(4))) {
                        return Optional.of(new Resolved(uri, f.name(), v.version(), i.processor(), i.python(),
                                region));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A resolved image.
     *
     * @param python the Python version in its tag, or null when the tag names none
     */
    public record Resolved(String uri, String framework, String version, String processor, String python,
                           String region) {
    }

    private Framework framework(String name) {
        Framework f = frameworks.get(Objects.requireNonNull(name, "framework"));
        if (f == null) {
            throw new InvalidConfigurationException("framework '" + name + "' is not one mldeploy knows a prebuilt "
                    + "SageMaker serving image of; known frameworks: " + String.join(", ", frameworks.keySet())
                    + " (--framework, MLDEPLOY_SAGEMAKER_FRAMEWORK); or give your own image (--image)");
        }
        return f;
    }

    private static Version version(Framework f, String version) {
        Objects.requireNonNull(version, "version");
        for (Version v : f.versions()) {
            if (v.version().equals(version) || v.aliases().contains(version)) {
                return v;
            }
        }
        throw new InvalidConfigurationException(f.name() + " version '" + version + "' is not one mldeploy knows "
                + "a prebuilt SageMaker serving image of; known " + f.name() + " versions: "
                + String.join(", ", f.versions().stream().map(FrameworkImages::withAliases).toList())
                + " (--framework-version, MLDEPLOY_SAGEMAKER_FRAMEWORK_VERSION)");
    }

    private static String withAliases(Version v) {
        return v.aliases().isEmpty() ? v.version() : v.version() + " (" + String.join(", ", v.aliases()) + ")";
    }

    private Map<String, String> registry(Version v) {
        Map<String, String> accounts = registries.get(v.registries());
        if (accounts == null) {
            throw new IllegalStateException(RESOURCE + " names registry set '" + v.registries() + "' but lacks it");
        }
        return accounts;
    }

    /** The DNS suffix of {@code region}'s partition: the longest matching prefix of the table's. */
    String dnsSuffix(String region) {
        String best = null;
        String suffix = null;
        for (Map.Entry<String, String> e : dnsSuffixes.entrySet()) {
            if (region.startsWith(e.getKey()) && (best == null || e.getKey().length() > best.length())) {
                best = e.getKey();
                suffix = e.getValue();
            }
        }
        if (suffix == null) {
            throw new IllegalStateException(RESOURCE + " has no DNS suffix for region " + region);
        }
        return suffix;
    }
}
