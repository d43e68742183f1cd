package dev.mldeploy.architecture;

import com.tngtech.archunit.library.freeze.ViolationLineMatcher;
import java.util.regex.Pattern;

/**
 * Tells a frozen violation from a new one. A cycle is known when it runs through the same packages in the same
 * order: its list of dependencies may change (a method added between two packages of a known cycle is not a new
 * cycle). Other violations match ignoring line numbers, as ArchUnit's default matcher does. Configured as
 * {@code freeze.lineMatcher} in {@code archunit.properties}.
 */
public final class CycleLineMatcher implements ViolationLineMatcher {
    private static final String CYCLE = "Cycle detected: ";
    private static final Pattern LINE_NUMBER = Pattern.compile("\\.java:\\d+\\)");
    private static final Pattern SPACE = Pattern.compile("\\s+");

    @Override
    public boolean matches(String stored, String actual) {
        if (stored.startsWith(CYCLE) && actual.startsWith(CYCLE)) {
            return path(stored).equals(path(actual));
        }
        return withoutLineNumbers(stored).equals(withoutLineNumbers(actual));
    }

    /** {@code Slice a -> Slice b -> Slice a}: the first lines, before the dependencies are listed. */
    private static String path(String cycle) {
        int details = cycle.indexOf("\n  1. ");
        return SPACE.matcher(details < 0 ? cycle : cycle.substring(0, details)).replaceAll(" ").trim();
    }

    private static String withoutLineNumbers(String violation) {
        return LINE_NUMBER.matcher(violation).replaceAll(".java)");
    }
}
