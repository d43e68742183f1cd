package dev.mldeploy.examples.cli;

import dev.mldeploy.OperationTimeoutException;
import java.time.Duration;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Runs every command that has a {@code --timeout} under it, as a whole: building the deployer, looking the
 * deployment up, the call itself and closing the clients. Before, only the call was bounded, and the lookup before
 * {@code invoke} (a DescribeEndpoint the SDK retried three times at a 30 s read timeout) made
 * {@code invoke --timeout 10s} take 93 to 123 s.
 *
 * <p>Commands that clean up after their own timeout ({@code deploy}, {@code undeploy}: the targets get the same
 * timeout and undo what they started) get {@link #CLEANUP_GRACE} more before the CLI stops waiting for them.
 */
final class BoundedExecution implements CommandLine.IExecutionStrategy {
    /** Extra time for a target to clean up and report after its own deadline. */
    static final Duration CLEANUP_GRACE = Duration.ofSeconds(15);
    private static final Set<String> CLEAN_UP_AFTER_TIMEOUT = Set.of("deploy", "undeploy");

    private final CommandLine.IExecutionStrategy delegate = new CommandLine.RunLast();

    private static boolean helpRequested(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.hasSubcommand() ? p.subcommand() : null) {
            if (p.isUsageHelpRequested() || p.isVersionHelpRequested()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int execute(ParseResult parseResult) {
        ParseResult leaf = parseResult;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        CommandSpec command = leaf.commandSpec();
        OptionSpec option = command.findOption("--timeout");
        OptionSpec follow = command.findOption("--follow");
        if (follow != null && Boolean.TRUE.equals(follow.getValue())) {
            return delegate.execute(parseResult); // runs until interrupted; --timeout bounds each of its reads
        }
        if (option == null || helpRequested(parseResult)) {
            return delegate.execute(parseResult); // prints the help, or runs a command that takes no --timeout
        }
        Duration timeout = option.getValue();
        String name = command.name();
        boolean grace = CLEAN_UP_AFTER_TIMEOUT.contains(name);
        Duration limit = grace ? timeout.plus(CLEANUP_GRACE) : timeout;
        String message = "mldeploy " + name + " did not finish within " + Deadline.seconds(timeout)
                + (grace ? " (and " + Deadline.seconds(CLEANUP_GRACE) + " more to clean up); what it started may "
                + "be left: 'mldeploy undeploy NAME --target TARGET' removes it" : "; raise --timeout");
        try {
            return Deadline.call("mldeploy-" + name, limit, () -> delegate.execute(parseResult), message);
        } catch (OperationTimeoutException e) {
            throw new CommandLine.ExecutionException(command.commandLine(), e.getMessage(), e);
        }
    }
}
