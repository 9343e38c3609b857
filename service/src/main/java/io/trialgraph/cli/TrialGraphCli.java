package io.trialgraph.cli;

import io.grpc.Status;
import io.trialgraph.client.TrialGraphException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The {@code trialgraph} command: {@code serve} starts the service; every other command talks to
 * a running one through the Java client ({@link io.trialgraph.client.TrialGraphClient}) and
 * never touches Neo4j itself.
 *
 * <p>Exit codes: 0 success; 1 the call failed (one line on stderr:
 * {@code error: <STATUS>: <message>}); 2 a usage error (picocli's message and usage).
 */
@Command(name = "trialgraph", mixinStandardHelpOptions = true, versionProvider = TrialGraphCli.Version.class,
        description = "Records and explores ML experiments: experiments, trials, jobs, artifacts, metrics and lineage.",
        subcommands = {ServeCommand.class, DemoCommand.class, ExperimentsCommand.class, TrialsCommand.class,
            ComponentsCommand.class, AnalyticsCommand.class, LineageCommand.class, MetricsCommand.class, CypherCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Connection options go after the command: --target HOST:PORT (env TRIALGRAPH_TARGET, default"
            + " localhost:50051), --token, --tls, --ca-cert FILE, --deadline, --verbose.",
            "Start the service with 'trialgraph serve', record the example study with 'trialgraph demo'."})
public final class TrialGraphCli implements Runnable {

    /** Exit code of a failed call (a server-side error or an unreachable server). */
    public static final int FAILED = 1;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        // Charts are drawn without a display.
        System.setProperty("java.awt.headless", "true");
        int code = run(System.out, System.err, args);
        // serve returns only after the server stopped; other commands return at once.
        System.exit(code);
    }

    /**
     * Runs one command line, writing to the given streams.
     *
     * @return the exit code
     */
    public static int run(PrintStream out, PrintStream err, String... args) {
        PrintWriter outWriter = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter errWriter = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        CommandLine commandLine = new CommandLine(new TrialGraphCli())
                .setOut(outWriter)
                .setErr(errWriter)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(TrialGraphCli::failed);
        try {
            return commandLine.execute(args);
        } finally {
            outWriter.flush();
            errWriter.flush();
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command");
    }

    /** One line for a person; the stack trace only with --verbose. */
    private static int failed(Exception failure, CommandLine commandLine, ParseResult parsed) {
        PrintWriter err = commandLine.getErr();
        ParseResult leaf = parsed;
        while (leaf.subcommand() != null) {
            leaf = leaf.subcommand();
        }
        if (leaf.hasMatchedOption("--verbose")) {
            failure.printStackTrace(err);
        }
        err.println("error: " + describe(failure, target(leaf)));
        err.flush();
        return FAILED;
    }

    private static String target(ParseResult leaf) {
        CommandSpec connection = leaf.commandSpec().mixins().get("connection");
        if (connection != null && connection.userObject() instanceof ConnectionOptions) {
            return ((ConnectionOptions) connection.userObject()).target;
        }
        return "the server";
    }

    /** {@code <STATUS>: <message>} for a failed call, a hint to start the server when none answers. */
    static String describe(Exception failure, String target) {
        if (failure instanceof TrialGraphException) {
            TrialGraphException call = (TrialGraphException) failure;
            if (call.code() == Status.Code.UNAVAILABLE && unreachable(call)) {
                return "UNAVAILABLE: cannot reach trialgraph at " + target + " (" + rootMessage(call)
                        + "); start it with 'trialgraph serve' or point --target (TRIALGRAPH_TARGET) at a running one";
            }
            return call.code() + ": " + firstLine(call.getMessage());
        }
        return firstLine(failure.getMessage() == null ? failure.toString() : failure.getMessage());
    }

    private static boolean unreachable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : firstLine(root.getMessage());
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    /** The version of the jar (the same as the server's). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"trialgraph " + io.trialgraph.TrialGraphVersion.VERSION};
        }
    }
}
