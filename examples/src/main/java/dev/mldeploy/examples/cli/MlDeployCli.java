package dev.mldeploy.examples.cli;

import dev.mldeploy.InvalidConfigurationException;
import dev.mldeploy.InvalidSpecException;
import dev.mldeploy.ModelDeployer;
import dev.mldeploy.PlacementException;
import dev.mldeploy.spi.TargetProvider;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code mldeploy} command-line tool: plan, deploy, invoke, describe, list, undeploy, roll back and package
 * models with whatever targets {@link java.util.ServiceLoader} finds on the class path.
 *
 * <p>Exit status: 0 success, 2 bad usage (and invalid spec or configuration, an operation the target cannot do, or a
 * request the model's server refused: {@link dev.mldeploy.BadRequestException}), 3 placement impossible, 1 any other failure. Errors print one line to stderr ({@code --verbose} adds the stack
 * trace), and with {@code --output json} one JSON object on stdout as well ({@link ErrorReport}). Every command with
 * {@code --timeout} returns within it ({@link BoundedExecution}).
 *
 * <p>Not thread-safe: one instance runs one command line.
 */
@Command(name = "mldeploy", mixinStandardHelpOptions = true, versionProvider = MlDeployCli.Version.class,
        description = "Deploys a Python model (a directory with inference.py) to a local process, SageMaker or "
                + "Lambda, invokes it, and says where it would run best and what it would cost.",
        subcommands = {QuickstartCommand.class, PlanCommand.class, DeployCommand.class, InvokeCommand.class,
                DescribeCommand.class, ListCommand.class, UndeployCommand.class, RollbackCommand.class,
                PackageCommand.class, MetricsCommand.class, LogsCommand.class, CommandLine.HelpCommand.class})
public final class MlDeployCli implements Callable<Integer> {
    /** Bad usage: an unknown option, a malformed value, an invalid spec or configuration, an unsupported operation. */
    public static final int EXIT_USAGE = 2;
    /** No target can hold the model. */
    public static final int EXIT_PLACEMENT = 3;
    /** Any other failure. */
    public static final int EXIT_FAILURE = 1;

    private final Map<String, String> environment;
    private final List<TargetProvider> providers;
    private final java.io.OutputStream rawOut;
    private final boolean discover;

    @Spec
    private CommandSpec spec;

    MlDeployCli(Map<String, String> environment, List<TargetProvider> providers, java.io.OutputStream rawOut,
                boolean discover) {
        this.environment = Map.copyOf(environment);
        this.providers = List.copyOf(providers);
        this.rawOut = Objects.requireNonNull(rawOut, "rawOut");
        this.discover = discover;
    }

    /** Standard output as bytes, for answers written exactly as the model sent them; flush the writer first. */
    java.io.OutputStream rawOut() {
        return rawOut;
    }

    public static void main(String[] args) {
        // the CLI is the only place with a logging binding: keep library chatter out of the output
        // --verbose: mldeploy's own decisions at debug; other libraries (the AWS SDK) stay at warn
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        if (Arrays.asList(args).contains("--verbose")) {
            System.setProperty("org.slf4j.simpleLogger.log.dev.mldeploy", "debug");
        }
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        // JGit (ignore rules only) logs an invalid .mldeployignore pattern with a stack trace; mldeploy refuses it
        System.setProperty("org.slf4j.simpleLogger.log.org.eclipse.jgit", "off");
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int status = execute(args, out, err, System.out, System.getenv(), List.of());
        out.flush();
        err.flush();
        // exit now, whatever a call abandoned at its timeout is still doing on its (daemon) thread
        System.exit(status);
    }

    /**
     * Runs one command line in this process.
     *
     * @param environment the environment targets configure themselves from (normally {@link System#getenv()})
     * @param providers   providers to use besides those {@link java.util.ServiceLoader} finds (tests)
     * @return the exit status
     */
    static int execute(String[] args, PrintWriter out, PrintWriter err, java.io.OutputStream rawOut,
                       Map<String, String> environment, List<TargetProvider> providers) {
        return execute(args, out, err, rawOut, environment, providers, true);
    }

    /** {@link #execute}, with {@code discover} false using only {@code providers} (tests of several targets). */
    static int execute(String[] args, PrintWriter out, PrintWriter err, java.io.OutputStream rawOut,
                       Map<String, String> environment, List<TargetProvider> providers, boolean discover) {
        CommandLine cl = commandLine(environment, providers, rawOut, discover);
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    static CommandLine commandLine(Map<String, String> environment, List<TargetProvider> providers,
                                   java.io.OutputStream rawOut, boolean discover) {
        CommandLine cl = new CommandLine(new MlDeployCli(environment, providers, rawOut, discover));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler(MlDeployCli::onUsageError);
        cl.setExecutionExceptionHandler(MlDeployCli::onFailure);
        cl.setExecutionStrategy(new BoundedExecution());
        addTimeoutWhereMissing(cl.getSubcommands().get("package"));
        return cl;
    }

    /**
     * Gives {@code command} the same {@code --timeout} as the others when it declares none (package calls nothing
     * remote but still honours it); {@link BoundedExecution} enforces it.
     */
    private static void addTimeoutWhereMissing(CommandLine command) {
        if (command == null || command.getCommandSpec().findOption("--timeout") != null) {
            return;
        }
        command.getCommandSpec().addOption(CommandLine.Model.OptionSpec.builder("--timeout")
                .type(java.time.Duration.class).converters(new DurationConverter()).defaultValue("30m")
                .paramLabel("DURATION").description(TargetOptions.TIMEOUT_DESCRIPTION).build());
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /** The environment given to targets: this process's, overridden by {@code flags} (options mapped to keys). */
    Map<String, String> environment(Map<String, String> flags) {
        Map<String, String> merged = new HashMap<>(environment);
        merged.putAll(flags);
        return merged;
    }

    /** A deployer whose default target is {@code target}, configured from the environment plus {@code flags}. */
    ModelDeployer deployer(String target, Map<String, String> flags) {
        Objects.requireNonNull(target, "target");
        ModelDeployer.Builder b = ModelDeployer.builder().defaultTarget(target).environment(environment(flags))
                .discoverProviders(discover);
        providers.forEach(b::provider);
        return b.build();
    }

    /** The provider named {@code name}: one given to the CLI, else the one {@link java.util.ServiceLoader} finds. */
    java.util.Optional<TargetProvider> provider(String name) {
        java.util.Optional<TargetProvider> given = providers.stream().filter(p -> p.name().equals(name)).findFirst();
        if (given.isPresent() || !discover) {
            return given;
        }
        return java.util.ServiceLoader.load(TargetProvider.class).stream().map(java.util.ServiceLoader.Provider::get)
                .filter(p -> p.name().equals(name)).findFirst();
    }

    private static int onUsageError(CommandLine.ParameterException e, String[] args) {
        String message = e.getMessage();
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            message += "; did you mean " + String.join(" or ", u.getSuggestions()) + "?";
        }
        String help = " (see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')";
        ErrorReport.print(new CommandLine.ParameterException(e.getCommandLine(), message + help, e), EXIT_USAGE,
                Arrays.asList(args), e.getCommandLine().getOut(), e.getCommandLine().getErr());
        return EXIT_USAGE;
    }

    private static int onFailure(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        int status = exitStatus(e);
        ErrorReport.print(e, status, parsed.expandedArgs(), cl.getOut(), cl.getErr());
        return status;
    }

    /**
     * The exit status for a failure: 2 for bad input (a request the model's server refused included) and unsupported
     * operations, 3 when nothing fits, else 1.
     */
    static int exitStatus(Throwable e) {
        if (e instanceof InvalidSpecException || e instanceof InvalidConfigurationException
                || e instanceof dev.mldeploy.NotSupportedException || e instanceof CommandLine.ParameterException
                || e instanceof dev.mldeploy.BadRequestException) {
            return EXIT_USAGE;
        }
        if (e instanceof PlacementException) {
            return EXIT_PLACEMENT;
        }
        return EXIT_FAILURE;
    }

    /** The version from the jar's manifest, when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = MlDeployCli.class.getPackage().getImplementationVersion();
            return new String[] {"mldeploy " + (v == null ? "(development build)" : v),
                    "Java " + System.getProperty("java.version")};
        }
    }
}
