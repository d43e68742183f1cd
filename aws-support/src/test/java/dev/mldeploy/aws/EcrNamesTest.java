package dev.mldeploy.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mldeploy.InvalidSpecException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EcrNamesTest {
    @Test
    void repositoryFor_whenNameHasUpperCase_lowersIt() {
        assertEquals("mldeploy/lambda/my_model-2", EcrNames.repositoryFor("lambda", "My_Model-2",
                InvalidSpecException::new));
    }

    @Test
    void repositoryFor_whenNameJoinsPartsWithUnderscoreDash_throwsTypedErrorNamingTheRepository() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> EcrNames.repositoryFor("lambda", "model_-x", InvalidSpecException::new));
        assertTrue(e.getMessage().contains("'mldeploy/lambda/model_-x'"), e.getMessage());
        assertTrue(e.getMessage().contains("rename the model"), e.getMessage());
    }

    @Test
    void repositoryProblem_followsEcrsPattern() {
        assertTrue(EcrNames.repositoryProblem("a__b/c--d/e.f").isEmpty());
        assertTrue(EcrNames.repositoryProblem("a_-b").isPresent());
        assertTrue(EcrNames.repositoryProblem("a").isPresent());
        assertTrue(EcrNames.repositoryProblem("a//b").isPresent());
        assertTrue(EcrNames.repositoryProblem("A").isPresent());
        assertTrue(EcrNames.repositoryProblem("a".repeat(257)).isPresent());
        assertTrue(EcrNames.repositoryProblem("a".repeat(256)).isEmpty());
    }

    @Test
    void imageTag_isThePrefixAndSixteenHex() {
        String tag = EcrNames.imageTag("0123456789abcdef0123456789abcdef");
        assertEquals("mldeploy-0123456789abcdef", tag);
        assertTrue(EcrNames.isMldeployTag(tag));
        assertFalse(EcrNames.isMldeployTag("latest"));
        assertFalse(EcrNames.isMldeployTag(null));
    }

    @Test
    void digestOf_readsOnlyAWellFormedDigest() {
        String d = "sha256:" + "a".repeat(64);
        assertEquals(Optional.of(d), EcrNames.digestOf("1.dkr.ecr.r.amazonaws.com/x@" + d));
        assertEquals(Optional.empty(), EcrNames.digestOf("1.dkr.ecr.r.amazonaws.com/x:latest"));
        assertEquals(Optional.empty(), EcrNames.digestOf("x@sha256:short"));
        assertEquals(Optional.empty(), EcrNames.digestOf(null));
        assertEquals("repo@" + d, EcrNames.byDigest("repo", d));
        assertThrows(IllegalArgumentException.class, () -> EcrNames.byDigest("repo", "sha256:zz"));
    }
}
