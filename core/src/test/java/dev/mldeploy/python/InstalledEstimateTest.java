package dev.mldeploy.python;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InstalledEstimateTest {
    @Test
    void names_skipOptionLinesAndVersions() {
        Requirements r = new Requirements(Path.of("requirements.txt"), ("numpy>=2\n# c\n-r base.txt\n"
                + "--index-url https://x\nscikit-learn[alldeps]==1.5 ; python_version >= '3.9'\n").getBytes());
        assertEquals(List.of("numpy", "scikit-learn"), InstalledEstimate.names(r));
    }

    @Test
    void estimate_whenTheInterpreterCannotRun_isEmpty() {
        Requirements r = new Requirements(Path.of("requirements.txt"), "numpy\n".getBytes());
        assertTrue(new InstalledEstimate(new Pip(Path.of("/no/such/python"))).estimate(r, Duration.ofSeconds(10))
                .isEmpty());
    }
}
