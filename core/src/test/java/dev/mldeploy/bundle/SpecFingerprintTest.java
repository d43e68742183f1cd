package dev.mldeploy.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.mldeploy.ModelSpec;
import dev.mldeploy.kit.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecFingerprintTest {
    @TempDir
    Path tmp;

    private String fingerprint(ModelSpec spec, Map<String, String> settings) {
        return SpecFingerprint.of(spec, SourceTree.of(spec.requireSource()), settings);
    }

    @Test
    void sameContentInAnotherDirectory_hashesTheSame() {
        SourceTree a = SourceTree.of(TestModels.copy(TestModels.SHOUT, tmp, "a"));
        SourceTree b = SourceTree.of(TestModels.copy(TestModels.SHOUT, tmp, "b"));

        assertEquals(a.sha256(), b.sha256());
        assertEquals(List.of("inference.py", "suffix.txt"), a.entries().stream().map(SourceTree.Entry::path).toList());
    }

    @Test
    void sourceTree_skipsBytecodeAndEditorLitter() throws IOException {
        Path dir = TestModels.copy(TestModels.ECHO, tmp);
        String before = SourceTree.of(dir).sha256();
        Files.createDirectories(dir.resolve("__pycache__"));
        Files.writeString(dir.resolve("__pycache__/inference.cpython-311.pyc"), "x");
        Files.writeString(dir.resolve(".DS_Store"), "x");

        assertEquals(before, SourceTree.of(dir).sha256());
        Files.writeString(dir.resolve("weights.txt"), "1 2 3");
        assertNotEquals(before, SourceTree.of(dir).sha256());
    }

    @Test
    void fingerprint_changesWithWhatRunsButNotWithTraffic() {
        ModelSpec spec = ModelSpec.builder("m").source(TestModels.copy(TestModels.ECHO, tmp)).build();
        String base = fingerprint(spec, Map.of("contract", "sagemaker"));

        assertEquals(base, fingerprint(spec, Map.of("contract", "sagemaker")));
        assertEquals(base, fingerprint(spec.toBuilder().traffic(spec.traffic().withRequestsPerMonth(7)).build(),
                Map.of("contract", "sagemaker")), "traffic informs cost, not what runs");
        assertNotEquals(base, fingerprint(spec.toBuilder().putEnvironment("A", "1").build(),
                Map.of("contract", "sagemaker")));
        assertNotEquals(base, fingerprint(spec.toBuilder().memoryMb(2048).build(), Map.of("contract", "sagemaker")));
        assertNotEquals(base, fingerprint(spec, Map.of("contract", "lambda")));
        assertEquals(64, base.length());
        assertEquals(base.substring(0, 12), SpecFingerprint.shortForm(base));
    }

    @Test
    void fingerprint_ignoresChangesToExcludedFiles_andCountsTheSpecsExcludes() throws IOException {
        Path dir = TestModels.copy(TestModels.ECHO, tmp);
        Files.writeString(dir.resolve(".env"), "TOKEN=one");
        Files.writeString(dir.resolve("notes.txt"), "n");
        ModelSpec spec = ModelSpec.builder("m").source(dir).build();
        String base = fingerprint(spec, Map.of());

        Files.writeString(dir.resolve(".env"), "TOKEN=two");
        assertEquals(base, fingerprint(spec, Map.of()), ".env is not packaged, so it cannot change what runs");

        ModelSpec excluding = spec.toBuilder().exclude("notes.txt").build();
        String withExclude = SpecFingerprint.of(excluding, SourceTree.of(excluding), Map.of());
        assertNotEquals(base, withExclude);
        assertNotEquals(withExclude, SpecFingerprint.of(excluding, SourceTree.of(dir), Map.of()),
                "the excludes count even apart from the files they leave out");
    }
}
