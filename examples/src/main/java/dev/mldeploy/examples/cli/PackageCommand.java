package dev.mldeploy.examples.cli;

import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.bundle.PackageEntryNames;
import dev.mldeploy.bundle.SourceTree;
import dev.mldeploy.spi.Packager;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code mldeploy package}: writes what a target would deploy, without any remote call, and lists what went in and
 * what was left out (and by which rule). The output directory is replaced only once the new package is complete
 * ({@link PackageOutput}); a failed package leaves a previous one as it was.
 */
@Command(name = "package", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes what the target would deploy for the model in DIR (for sagemaker: model.tar.gz and "
                + "a Dockerfile for your own image (--image), and prebuilt/model.tar.gz for AWS's prebuilt framework "
                + "images; for lambda the function zip and, when DIR has a requirements.txt, the dependency layer zip, "
                + "resolved with pip for the function's runtime and architecture) into the output directory, and "
                + "lists the model files it packaged and those it left out. Calls nothing remote.",
                "Left out by default: .env and .env.*, .aws/, .ssh/, .netrc, .npmrc, .pypirc, .docker/, version "
                        + "control (.git, .hg, .svn, .bzr, CVS), .venv/ and venv/, __pycache__/ and *.pyc, editor "
                        + "and OS litter. A .mldeployignore file in DIR adds gitignore patterns ('!' re-includes).",
                "The output directory is replaced only when the new package is complete; it must be outside DIR, "
                        + "and if it exists, empty or an earlier package output."})
final class PackageCommand implements Callable<Integer> {
    /** Text output lists at most this many names per section; JSON lists all. */
    static final int MAX_LISTED = 50;

    @ParentCommand
    MlDeployCli cli;
    @Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    OutputOptions out;

    @Option(names = "--target", required = true, paramLabel = "sagemaker|lambda", description = "The target.")
    String target;
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "The model directory.")
    Path model;
    @Option(names = "--name", paramLabel = "NAME", description = "Deployment name (default: the directory's name).")
    String name;
    @Option(names = "--out", paramLabel = "DIR", description = "Where to write the artifacts (zips, archive, "
            + "Dockerfile).")
    Path outDir;
    @Option(names = "--image-out", paramLabel = "DIR", description = "Also (or instead) build the target's container "
            + "image, without Docker, and write it as an OCI image layout in DIR (lambda: the function image; "
            + "sagemaker: the serving image). Pushes nothing.")
    Path imageOut;
    @Option(names = "--push", paramLabel = "REF", description = "Build the target's container image and push it to "
            + "REF (any registry, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/models:iris); prints the digest. "
            + "Credentials: MLDEPLOY_REGISTRY_USERNAME/MLDEPLOY_REGISTRY_PASSWORD (for MLDEPLOY_REGISTRY, or any), "
            + "else the auths of the Docker config (~/.docker/config.json).")
    String push;
    @Option(names = "--base-image", paramLabel = "REF", description = "Base image for --image-out/--push, by tag or "
            + "digest (default: public.ecr.aws/lambda/python:3.N for lambda, "
            + "public.ecr.aws/docker/library/python:3.N-slim for sagemaker).")
    String baseImage;
    @Option(names = "--architecture", paramLabel = "x86_64|arm64", description = "The image's architecture "
            + "(default: the model's).")
    String architecture;
    @Option(names = "--allow-insecure", description = "Talk plain HTTP to registries on loopback (127.0.0.1, "
            + "localhost, ::1) only; refused for any other registry.")
    boolean allowInsecure;
    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30m", converter = DurationConverter.class,
            description = TargetOptions.TIMEOUT_DESCRIPTION)
    java.time.Duration timeout;

    @Override
    public Integer call() {
        boolean image = imageOut != null || push != null;
        if (outDir == null && !image) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --out DIR (the target's artifacts), "
                    + "--image-out DIR (its container image as an OCI layout) or --push REF (the image, pushed)");
        }
        if (image && !target.equals("lambda") && !target.equals("sagemaker")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--image-out and --push build a container "
                    + "image for --target lambda or sagemaker, not '" + target + "'");
        }
        if (!image && (baseImage != null || architecture != null || allowInsecure)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--base-image, --architecture and "
                    + "--allow-insecure apply to an image: add --image-out DIR or --push REF");
        }
        ModelSpec modelSpec = ModelSpec.builder(name != null ? name : PlanCommand.dirName(model)).source(model)
                .build();
        // every refusal comes before anything is written or built
        ImageRequest request = image ? imageRequest(modelSpec) : null;
        PackageOutput output = null;
        if (outDir != null) {
            Packager.requireOutsideSource(modelSpec.requireSource(), outDir);
            output = PackageOutput.at(outDir);
        }
        SourceTree tree = SourceTree.of(modelSpec);
        List<Path> files = List.of();
        if (output != null) {
            PackageOutput o = output;
            try (ModelDeployer deployer = cli.deployer(ModelDeployer.AUTO, Map.of())) {
                files = o.write(target, dir -> deployer.packageModel(modelSpec, target, dir));
            }
        }
        List<ImagePackaging.Output> images = List.of();
        if (request != null) {
            ProgressPrinter printer = ProgressPrinter.forConsole(spec.commandLine().getErr());
            images = new ImagePackaging(cli.environment(Map.of()), timeout, printer).build(modelSpec, target,
                    request.architecture(), request.base(), java.util.Optional.ofNullable(imageOut),
                    request.push(), allowInsecure);
            printer.finish();
        }
        PrintWriter o = spec.commandLine().getOut();
        if (out.json()) {
            Map<String, Object> m = output != null ? json(output.path(), files, tree) : new LinkedHashMap<>();
            m.putIfAbsent("target", target);
            if (!images.isEmpty()) {
                m.put("images", images.stream().map(PackageCommand::imageJson).toList());
            }
            o.println(CliJson.pretty(m));
        } else {
            if (output != null) {
                o.print(text(output.path(), files, tree));
            }
            images.forEach(i -> o.print(imageText(i)));
        }
        o.flush();
        return 0;
    }

    /** The checked image options. */
    private record ImageRequest(java.util.Optional<dev.mldeploy.Architecture> architecture,
                                java.util.Optional<dev.mldeploy.image.ImageReference> base,
                                java.util.Optional<dev.mldeploy.image.ImageReference> push) {
    }

    private ImageRequest imageRequest(ModelSpec modelSpec) {
        if (imageOut != null) {
            Packager.requireOutsideSource(modelSpec.requireSource(), imageOut);
        }
        return new ImageRequest(
                java.util.Optional.ofNullable(architecture).map(dev.mldeploy.Architecture::parse),
                java.util.Optional.ofNullable(baseImage).map(dev.mldeploy.image.ImageReference::parse),
                java.util.Optional.ofNullable(push).map(dev.mldeploy.image.ImageReference::parse));
    }

    private static Object imageJson(ImagePackaging.Output i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(i.pushed() ? "pushed" : "layout", i.destination());
        m.put("digest", i.image().digest());
        m.put("config", i.image().configDigest());
        m.put("layers", i.image().layerDigests());
        m.put(i.pushed() ? "uploadedBlobs" : "writtenBlobs", i.image().pushedBlobs());
        if (i.pushed()) {
            m.put("skippedBlobs", i.image().skippedBlobs());
        }
        return m;
    }

    private String imageText(ImagePackaging.Output i) {
        String nl = System.lineSeparator();
        if (i.pushed()) {
            return "pushed the " + target + " image to " + i.destination() + nl
                    + "digest " + i.image().digest() + nl
                    + "  " + plural(i.image().layerDigests().size(), "layer") + ", "
                    + plural(i.image().pushedBlobs(), "blob") + " uploaded, "
                    + i.image().skippedBlobs() + " already in the registry" + nl;
        }
        return "wrote the " + target + " image as an OCI layout to " + i.destination() + nl
                + "digest " + i.image().digest() + nl
                + "  " + plural(i.image().layerDigests().size(), "layer") + ", "
                + plural(i.image().pushedBlobs(), "blob") + " in blobs/sha256" + nl;
    }

    private Map<String, Object> json(Path outPath, List<Path> files, SourceTree tree) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", target);
        m.put("out", outPath.toString());
        m.put("files", files.stream().map(f -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("path", f.toString());
            e.put("bytes", size(f));
            return (Object) e;
        }).toList());
        m.put("packaged", tree.entries().stream().map(e -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("path", e.path());
            x.put("bytes", e.size());
            return (Object) x;
        }).toList());
        m.put("excluded", tree.excluded().stream().map(e -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("path", e.path());
            x.put("directory", e.directory());
            x.put("reason", reason(e.reason()));
            x.put("pattern", e.pattern());
            x.put("line", e.line() == 0 ? null : e.line());
            return (Object) x;
        }).toList());
        return m;
    }

    private String text(Path outPath, List<Path> files, SourceTree tree) {
        StringBuilder sb = new StringBuilder();
        String nl = System.lineSeparator();
        sb.append("wrote ").append(plural(files.size(), "file")).append(" for ").append(target).append(" to ")
                .append(outPath).append(':').append(nl);
        files.forEach(f -> sb.append(String.format("  %s (%d bytes)%n", f, size(f))));
        sb.append("packaged ").append(plural(tree.entries().size(), "model file")).append(" (")
                .append(tree.totalBytes()).append(" bytes):").append(nl);
        tree.entries().stream().limit(MAX_LISTED).forEach(e -> sb.append("  ").append(shown(e.path())).append(nl));
        more(sb, tree.entries().size());
        List<SourceTree.Excluded> byDefault = tree.excludedByDefault();
        List<SourceTree.Excluded> byRule = tree.excluded().stream()
                .filter(e -> e.reason() != SourceTree.ExcludeReason.DEFAULT).toList();
        sb.append("left out by default: ").append(byDefault.isEmpty() ? "nothing" : plural(byDefault.size(), "entry"))
                .append(nl);
        byDefault.stream().limit(MAX_LISTED).forEach(e -> excludedLine(sb, e));
        more(sb, byDefault.size());
        if (!byRule.isEmpty()) {
            sb.append("left out by ").append(SourceTree.IGNORE_FILE).append(" or the spec: ")
                    .append(plural(byRule.size(), "entry")).append(nl);
            byRule.stream().limit(MAX_LISTED).forEach(e -> excludedLine(sb, e));
            more(sb, byRule.size());
        }
        return sb.toString();
    }

    private static void more(StringBuilder sb, int listed) {
        if (listed > MAX_LISTED) {
            sb.append("  ... and ").append(listed - MAX_LISTED).append(" more (--output json lists every one)")
                    .append(System.lineSeparator());
        }
    }

    private static void excludedLine(StringBuilder sb, SourceTree.Excluded e) {
        sb.append("  ").append(shown(e.path())).append(e.directory() ? "/" : "").append("  (").append(e.describe())
                .append(')').append(System.lineSeparator());
    }

    /** A name as it is, or quoted and escaped when it holds what a terminal would interpret. */
    private static String shown(String path) {
        boolean plain = path.chars().noneMatch(c -> Character.isISOControl(c) || c == '\\' || c == '"');
        return plain ? path : PackageEntryNames.display(path);
    }

    private static String reason(SourceTree.ExcludeReason r) {
        return switch (r) {
            case DEFAULT -> "default";
            case IGNORE_FILE -> SourceTree.IGNORE_FILE;
            case SPEC -> "spec";
        };
    }

    private static String plural(int n, String noun) {
        String p = noun.endsWith("y") ? noun.substring(0, noun.length() - 1) + "ies" : noun + "s";
        return n + " " + (n == 1 ? noun : p);
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return -1;
        }
    }
}
