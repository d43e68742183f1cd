package dev.mldeploy.architecture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CycleLineMatcherTest {
    private static final String AB = "Cycle detected: Slice a -> \n                Slice b -> \n                Slice a\n";
    private final CycleLineMatcher matcher = new CycleLineMatcher();

    @Test
    void matches_whenTheSameCycleListsOtherDependencies_isKnown() {
        assertTrue(matcher.matches(AB + "  1. Dependencies of Slice a\n    - Method <a.X.f()> calls <b.Y.g()>",
                AB + "  1. Dependencies of Slice a\n    - Method <a.X.h()> calls <b.Y.k()>"));
    }

    @Test
    void matches_whenTheCycleRunsThroughAnotherPackage_isNew() {
        String abc = "Cycle detected: Slice a -> \n Slice b -> \n Slice c -> \n Slice a\n  1. Dependencies of Slice a";
        assertFalse(matcher.matches(AB + "  1. Dependencies of Slice a", abc));
    }

    @Test
    void matches_whenOnlyTheLineNumberMoved_isKnown_butAnotherClassIsNew() {
        assertTrue(matcher.matches("X uses Y in (X.java:12)", "X uses Y in (X.java:40)"));
        assertFalse(matcher.matches("X uses Y in (X.java:12)", "X uses Z in (X.java:12)"));
    }
}
