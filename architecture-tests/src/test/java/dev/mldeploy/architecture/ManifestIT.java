package dev.mldeploy.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every module of the build ships a jar whose manifest names its module ({@code Automatic-Module-Name}, from the
 * module's {@code module.name} property), so that it can sit on a module path. An IT because the jars exist only
 * after {@code package}; this module depends on every other one, so their jars are built before it runs.
 */
class ManifestIT {
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    private static final Pattern ARTIFACT_ID = Pattern.compile("</parent>.*?<artifactId>([^<]+)</artifactId>",
            Pattern.DOTALL);
    private static final Pattern MODULE_NAME = Pattern.compile("dev\\.mldeploy(\\.[a-z][a-z0-9]*)+");
    private static final Map<String, String> KNOWN = Map.of(
            "core", "dev.mldeploy.core",
            "aws-support", "dev.mldeploy.aws",
            "test-kit", "dev.mldeploy.kit",
            "sagemaker-backend", "dev.mldeploy.sagemaker",
            "lambda-backend", "dev.mldeploy.lambda",
            "test-support", "dev.mldeploy.testsupport",
            "examples", "dev.mldeploy.examples",
            "benchmarks", "dev.mldeploy.benchmarks");

    private final Path here = Path.of("").toAbsolutePath();
    private final Path root = here.getParent();

    @Test
    void everyModulesJar_namesItsModule_onceInTheBuild() throws IOException {
        String ownPom = Files.readString(here.resolve("pom.xml"));
        Map<String, String> seen = new HashMap<>();
        List<String> modules = modules();
        assertTrue(modules.size() >= KNOWN.size(), modules::toString);
        for (String module : modules) {
            if (root.resolve(module).equals(here)) {
                continue;
            }
            String artifactId = artifactId(module);
            assertTrue(ownPom.contains("<artifactId>" + artifactId + "</artifactId>"),
                    "add " + artifactId + " to the dependencies of architecture-tests, so its classes are checked"
                            + " and its jar is built before this test");
            String name = automaticModuleName(jar(module, artifactId));
            assertTrue(MODULE_NAME.matcher(name).matches(), module + ": Automatic-Module-Name '" + name
                    + "' is not dev.mldeploy.<role>; set <module.name> in " + module + "/pom.xml");
            if (KNOWN.containsKey(module)) {
                assertEquals(KNOWN.get(module), name, module);
            }
            String other = seen.put(name, module);
            assertTrue(other == null, module + " and " + other + " both name their module " + name);
        }
    }

    private List<String> modules() throws IOException {
        Matcher m = MODULE.matcher(Files.readString(root.resolve("pom.xml")));
        List<String> modules = new ArrayList<>();
        while (m.find()) {
            modules.add(m.group(1).trim());
        }
        return modules;
    }

    private String artifactId(String module) throws IOException {
        Matcher m = ARTIFACT_ID.matcher(Files.readString(root.resolve(module).resolve("pom.xml")));
        assertTrue(m.find(), module + "/pom.xml names no artifactId");
        return m.group(1);
    }

    private Path jar(String module, String artifactId) throws IOException {
        Path target = root.resolve(module).resolve("target");
        try (Stream<Path> files = Files.list(target)) {
            List<Path> jars = files.filter(p -> {
                String f = p.getFileName().toString();
                return f.startsWith(artifactId + "-") && f.endsWith(".jar") && !f.endsWith("-tests.jar")
                        && !f.endsWith("-sources.jar") && !f.endsWith("-javadoc.jar");
            }).toList();
            assertEquals(1, jars.size(), () -> module + ": expected one jar in " + target + ", found " + jars);
            return jars.get(0);
        } catch (java.nio.file.NoSuchFileException e) {
            return fail(module + " is not built: run the build through the package phase (verify)");
        }
    }

    private static String automaticModuleName(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            String name = j.getManifest() == null ? null
                    : j.getManifest().getMainAttributes().getValue("Automatic-Module-Name");
            assertTrue(name != null, jar + " has no Automatic-Module-Name");
            return name;
        }
    }
}
