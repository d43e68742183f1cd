package dev.mldeploy.local;

import dev.mldeploy.python.InterpreterIdentity;
import dev.mldeploy.python.Requirements;
import dev.mldeploy.spi.DeployContext;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Chooses the Python executable a local model process runs with: the configured interpreter when the model has no
 * {@code requirements.txt}, when it names no package, or when the target uses the interpreter's own packages
 * ({@link LocalTarget#useInterpreterPackages()}); otherwise the Python of the cached virtual environment for those
 * requirements ({@link VenvCache}), built first if needed.
 */
final class ModelInterpreter {
    private static final String PHASE = "dependencies";

    /**
     * The executable chosen, and what it is, for messages.
     *
     * @param executable  what the process is started with
     * @param description e.g. {@code python3 (no requirements.txt)} or {@code virtual environment 3f2a... (path)}
     */
    record Chosen(String executable, String description) {
    }

    private final LocalTarget config;
    private final VenvCache cache;

    ModelInterpreter(LocalTarget config) {
        this.config = config;
        this.cache = new VenvCache(config.environmentCache(), config.pipEnvironment());
    }

    /** The interpreter for the model in {@code source}, deployed as {@code model}; builds its environment if needed. */
    Chosen choose(String model, Path source, DeployContext ctx) {
        Optional<Requirements> found = Requirements.find(source);
        String python = config.python();
        if (found.isEmpty()) {
            return new Chosen(python, python + " (the model has no " + Requirements.FILE_NAME + ")");
        }
        Requirements requirements = found.get();
        if (requirements.isEmpty()) {
            ctx.progress(PHASE, "", requirements.file() + " names no package: running with " + python);
            return new Chosen(python, python + " (" + Requirements.FILE_NAME + " names no package)");
        }
        if (config.useInterpreterPackages()) {
            ctx.progress(PHASE, "", "using " + python + "'s own packages; " + requirements.file() + " is not "
                    + "installed (" + LocalTarget.ENV_INTERPRETER_PACKAGES + ")");
            return new Chosen(python, python + " with its own packages (" + Requirements.FILE_NAME
                    + " not installed)");
        }
        InterpreterIdentity identity = InterpreterIdentity.probe(python, ctx.remaining());
        Path venvPython = cache.ensure(python, identity, requirements, model, ctx);
        Path dir = venvPython.getParent().getParent();
        return new Chosen(venvPython.toString(), "virtual environment " + dir.getFileName() + " (" + dir
                + ", made from " + identity.executable() + ")");
    }
}
