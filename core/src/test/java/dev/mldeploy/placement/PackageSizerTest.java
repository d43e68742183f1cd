package dev.mldeploy.placement;

import dev.mldeploy.CandidateEvaluation;
import dev.mldeploy.PlacementOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.ModelSpec;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageSizerTest {
    private static final String INFERENCE_PY = "def model_fn(model_dir):\n    return 1\n\n"
            + "def predict_fn(data, model):\n    return data\n";

    private static Path model(Path dir, long weightsBytes) throws IOException {
        Files.writeString(dir.resolve("inference.py"), INFERENCE_PY);
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("weights.bin").toFile(), "rw")) {
            f.setLength(weightsBytes); // sparse: the size counts, no data is written
        }
        Files.createDirectories(dir.resolve("__pycache__"));
        Files.writeString(dir.resolve("__pycache__/inference.cpython-311.pyc"), "skipped");
        return dir;
    }

    @Test
    void standard_isTheSourceTreePlusTheAdapter_askingTheAdapterOnce(@TempDir Path dir) throws IOException {
        AtomicInteger asked = new AtomicInteger();
        PackageSizer sizer = PackageSizer.withAdapterBytes(() -> {
            asked.incrementAndGet();
            return 1_000;
        });
        ModelSpec spec = ModelSpec.builder("m").source(model(dir, 5_000)).build();
        long expected = INFERENCE_PY.length() + 5_000 + 1_000; // .pyc and __pycache__ are not packaged
        assertEquals(OptionalLong.of(expected), sizer.packageBytes(spec));
        assertEquals(OptionalLong.of(expected), sizer.packageBytes(spec));
        assertEquals(1, asked.get());
    }

    @Test
    void withoutSource_theDeclaredSizeCounts_andNoneIsUnknown() {
        PackageSizer sizer = PackageSizer.withAdapterBytes(() -> {
            throw new AssertionError("the adapter is not asked without a directory");
        });
        assertEquals(OptionalLong.of(42), sizer.packageBytes(ModelSpec.builder("m").packageSizeBytes(42).build()));
        assertEquals(OptionalLong.empty(), sizer.packageBytes(ModelSpec.builder("m").build()));
    }

    @Test
    void zipLimit_appliesToTheMeasuredDirectoryPlusAdapter(@TempDir Path tmp) throws IOException {
        long adapter = 10_000;
        PackageSizer sizer = PackageSizer.withAdapterBytes(() -> adapter);
        LambdaProfile zip = LambdaProfile.of(LambdaProfile.Packaging.ZIP, sizer);
        long weightsAtLimit = LambdaLimits.MAX_ZIP_UNZIPPED_BYTES - INFERENCE_PY.length() - adapter;

        Path atLimit = model(Files.createDirectory(tmp.resolve("at-limit")), weightsAtLimit);
        CandidateEvaluation fits = zip.evaluate(ModelSpec.builder("m").source(atLimit).build(),
                PlacementOptions.defaults());
        assertTrue(fits.feasible(), fits.reasons()::toString);
        assertEquals("262144000", fits.settings().get(CandidateEvaluation.PACKAGE_BYTES));

        Path over = model(Files.createDirectory(tmp.resolve("over")), weightsAtLimit + 1);
        CandidateEvaluation rejected = zip.evaluate(ModelSpec.builder("m").source(over).build(),
                PlacementOptions.defaults());
        assertFalse(rejected.feasible());
        assertTrue(rejected.reasons().get(0).startsWith("package 262,144,001 bytes is over Lambda's 250 MB"),
                rejected.reasons()::toString);
    }
}
