package io.trialgraph.cli;

import io.trialgraph.Application;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** {@code trialgraph serve}: starts the service in this process, exactly as {@link Application} does. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Starts the trialgraph service (gRPC on port 50051, the web UI on http://127.0.0.1:8080/, embedded Neo4j"
                    + " in ./trialgraph-data by default) and runs until Ctrl-C or SIGTERM; it logs the web UI's address.",
            "Settings come from the environment (NEO4J_URI, GRPC_SERVER_PORT, ...) or --name=value arguments,"
                    + " e.g. --grpc.server.port=50052 (see the README, Configuration)."
        })
final class ServeCommand implements Runnable {

    @Option(
            names = {"-v", "--verbose"},
            description = "Log at DEBUG level (TRIALGRAPH_LOG_LEVEL=DEBUG).")
    boolean verbose;

    @Unmatched
    List<String> settings = new ArrayList<>();

    @Override
    public void run() {
        if (verbose) {
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                    .setLevel(ch.qos.logback.classic.Level.DEBUG);
        }
        try {
            Application.main(settings.toArray(new String[0]));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
