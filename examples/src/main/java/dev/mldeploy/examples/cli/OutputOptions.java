package dev.mldeploy.examples.cli;

import picocli.CommandLine.Option;

/** {@code --output} and {@code --verbose}, shared by every subcommand. */
final class OutputOptions {
    /** How results are printed. */
    enum Format { text, json }

    @Option(names = "--output", defaultValue = "text", paramLabel = "text|json",
            description = "Print results as text (default) or as one JSON document.")
    Format output = Format.text;

    @Option(names = "--verbose", description = "On failure, print the stack trace; log at debug level.")
    boolean verbose;

    boolean json() {
        return output == Format.json;
    }
}
