package dev.mldeploy.examples.cli;

import dev.mldeploy.ModelDeployer;
import dev.mldeploy.ModelSpec;
import dev.mldeploy.internal.Json;
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

/** {@code mldeploy package}: writes what a target would deploy, without any remote call. */
@Command(name = "package", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Writes what the target would deploy for the model in DIR (model.tar.gz and a Dockerfile for "
                + "sagemaker, the function zip for lambda) into the output directory. Calls nothing remote.")
final class PackageCommand implements Callable<Integer> {
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
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write the artifacts.")
    Path outDir;

    @Override
    public Integer call() {
        ModelSpec modelSpec = ModelSpec.builder(name != null ? name : PlanCommand.dirName(model)).source(model)
                .build();
        List<Path> files;
        try (ModelDeployer deployer = cli.deployer(ModelDeployer.AUTO, Map.of())) {
            files = deployer.packageModel(modelSpec, target, outDir);
        }
        PrintWriter o = spec.commandLine().getOut();
        if (out.json()) {
            List<Object> list = files.stream().map(f -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("path", f.toString());
                m.put("bytes", size(f));
                return (Object) m;
            }).toList();
            o.println(Json.writePretty(Map.of("target", target, "files", list)));
        } else {
            o.println("wrote " + files.size() + " file" + (files.size() == 1 ? "" : "s") + " for " + target + ":");
            files.forEach(f -> o.printf("  %s (%d bytes)%n", f, size(f)));
        }
        o.flush();
        return 0;
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return -1;
        }
    }
}
