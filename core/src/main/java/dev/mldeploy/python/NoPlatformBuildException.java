package dev.mldeploy.python;

import java.util.List;
import java.util.Objects;

/**
 * A requirement has no build the target platform can run and none can be made here: no wheel for the platform and
 * either no source distribution or one that builds machine code (a C extension). Not a pip failure to retry: the
 * package must run on the platform itself (a container image, SageMaker) or get a wheel for it.
 */
public class NoPlatformBuildException extends DependencyInstallException {
    private static final long serialVersionUID = 1L;
    private final String packageName;

    public NoPlatformBuildException(String packageName, String message, List<String> outputTail) {
        super(message, outputTail);
        this.packageName = Objects.requireNonNull(packageName, "packageName");
    }

    /** The distribution that cannot be built for the platform, as the requirement names it. */
    public String packageName() {
        return packageName;
    }
}
