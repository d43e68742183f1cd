package dev.mldeploy.image;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * What an image is made of: a base image (by tag or digest), layers of files added on top in order, and the
 * container configuration (entrypoint, command, environment, working directory, exposed ports, labels) for one
 * platform. Nothing here depends on the time or the machine: the image's creation time is the epoch and every file
 * has a fixed time and mode ({@link LayerFile}), so the same recipe over the same bytes gives the same digest.
 * Immutable; {@link #toBuilder()} to derive one.
 */
public final class ImageRecipe {
    private final ImageReference baseImage;
    private final ImagePlatform platform;
    private final List<ImageLayer> layers;
    private final List<String> entrypoint;
    private final List<String> cmd;
    private final SortedMap<String, String> environment;
    private final String workingDirectory;
    private final SortedSet<Integer> exposedPorts;
    private final SortedMap<String, String> labels;
    private final String name;
    private final String target;

    private ImageRecipe(Builder b) {
        if (b.baseImage == null) {
            throw new InvalidImageException("an image recipe needs a base image (ImageRecipe.builder().baseImage(...))");
        }
        this.baseImage = b.baseImage;
        this.platform = b.platform;
        this.layers = List.copyOf(b.layers);
        this.entrypoint = b.entrypoint == null ? null : List.copyOf(b.entrypoint);
        this.cmd = b.cmd == null ? null : List.copyOf(b.cmd);
        this.environment = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(b.environment));
        this.workingDirectory = b.workingDirectory;
        this.exposedPorts = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(b.exposedPorts));
        this.labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(b.labels));
        this.name = b.name;
        this.target = b.target;
        Map<String, String> owner = new TreeMap<>();
        for (ImageLayer l : layers) {
            for (LayerFile f : l.files()) {
                String before = owner.put(f.pathInImage(), l.name());
                if (before != null) {
                    throw new InvalidImageException(f.pathInImage() + " is in both layer '" + before + "' and layer '"
                            + l.name() + "'; put each file in one layer");
                }
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.baseImage = baseImage;
        b.platform = platform;
        b.layers.addAll(layers);
        b.entrypoint = entrypoint;
        b.cmd = cmd;
        b.environment.putAll(environment);
        b.workingDirectory = workingDirectory;
        b.exposedPorts.addAll(exposedPorts);
        b.labels.putAll(labels);
        b.name = name;
        b.target = target;
        return b;
    }

    /** The base image. */
    public ImageReference baseImage() {
        return baseImage;
    }

    /** The platform built for ({@code linux/amd64} unless set). */
    public ImagePlatform platform() {
        return platform;
    }

    /** The layers added to the base's, in order. */
    public List<ImageLayer> layers() {
        return layers;
    }

    /** The entrypoint; empty when the base's is kept. */
    public Optional<List<String>> entrypoint() {
        return Optional.ofNullable(entrypoint);
    }

    /** The command ({@code CMD}, Jib's program arguments); empty when the base's is kept. */
    public Optional<List<String>> cmd() {
        return Optional.ofNullable(cmd);
    }

    /** Variables added to (or replacing) the base's environment, sorted by name. */
    public SortedMap<String, String> environment() {
        return environment;
    }

    /** The working directory; empty when the base's is kept. */
    public Optional<String> workingDirectory() {
        return Optional.ofNullable(workingDirectory);
    }

    /** TCP ports exposed. */
    public SortedSet<Integer> exposedPorts() {
        return exposedPorts;
    }

    /** Labels added to the base's. */
    public SortedMap<String, String> labels() {
        return labels;
    }

    /** The model (deployment) name progress events carry. */
    public String name() {
        return name;
    }

    /** The target name progress events carry ({@code lambda}, {@code sagemaker}, {@code image}). */
    public String target() {
        return target;
    }

    /** Builder for {@link ImageRecipe}. Not thread-safe. */
    public static final class Builder {
        private ImageReference baseImage;
        private ImagePlatform platform = new ImagePlatform("linux", "amd64");
        private final List<ImageLayer> layers = new ArrayList<>();
        private List<String> entrypoint;
        private List<String> cmd;
        private final Map<String, String> environment = new TreeMap<>();
        private String workingDirectory;
        private final Set<Integer> exposedPorts = new TreeSet<>();
        private final Map<String, String> labels = new TreeMap<>();
        private String name = "image";
        private String target = "image";

        private Builder() {
        }

        public Builder baseImage(ImageReference baseImage) {
            this.baseImage = Objects.requireNonNull(baseImage, "baseImage");
            return this;
        }

        /** Parses {@code reference}; a malformed one throws {@link InvalidImageException}. */
        public Builder baseImage(String reference) {
            return baseImage(ImageReference.parse(reference));
        }

        public Builder platform(ImagePlatform platform) {
            this.platform = Objects.requireNonNull(platform, "platform");
            return this;
        }

        /** Appends {@code layer} on top of those added so far. */
        public Builder addLayer(ImageLayer layer) {
            layers.add(Objects.requireNonNull(layer, "layer"));
            return this;
        }

        /** Replaces the layers. */
        public Builder layers(List<ImageLayer> layers) {
            this.layers.clear();
            layers.forEach(this::addLayer);
            return this;
        }

        public Builder entrypoint(List<String> entrypoint) {
            this.entrypoint = List.copyOf(entrypoint);
            return this;
        }

        public Builder cmd(List<String> cmd) {
            this.cmd = List.copyOf(cmd);
            return this;
        }

        /** Adds (or replaces) the variable {@code name}. */
        public Builder environment(String name, String value) {
            Objects.requireNonNull(value, "value");
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new InvalidImageException("environment variable name '" + name + "' must be letters, digits "
                        + "and '_', not starting with a digit");
            }
            environment.put(name, value);
            return this;
        }

        public Builder environment(Map<String, String> variables) {
            variables.forEach(this::environment);
            return this;
        }

        /** An absolute directory. */
        public Builder workingDirectory(String dir) {
            Objects.requireNonNull(dir, "dir");
            if (!dir.equals("/")) {
                LayerFile.checkPath(dir);
            }
            this.workingDirectory = dir;
            return this;
        }

        public Builder exposedPort(int port) {
            if (port < 1 || port > 65535) {
                throw new InvalidImageException("port " + port + " is not between 1 and 65535");
            }
            exposedPorts.add(port);
            return this;
        }

        public Builder label(String key, String value) {
            Objects.requireNonNull(value, "value");
            if (key.isEmpty()) {
                throw new InvalidImageException("a label key must not be empty");
            }
            labels.put(key, value);
            return this;
        }

        public Builder labels(Map<String, String> labels) {
            labels.forEach(this::label);
            return this;
        }

        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        public Builder target(String target) {
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        public Builder apply(Consumer<Builder> change) {
            change.accept(this);
            return this;
        }

        public ImageRecipe build() {
            return new ImageRecipe(this);
        }
    }
}
