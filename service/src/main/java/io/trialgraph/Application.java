package io.trialgraph;

import io.trialgraph.config.InvalidConfigurationException;
import io.trialgraph.service.BackgroundTasks;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts trialgraph. Settings come from {@code application.yml}, the environment
 * ({@code NEO4J_URI}, {@code GRPC_SERVER_PORT}, ...), system properties and
 * {@code --name=value} arguments.
 */
public final class Application {

    private static final Logger LOG = LoggerFactory.getLogger(Application.class);

    private Application() {}

    public static void main(String[] args) throws InterruptedException {
        TrialGraphServer server;
        try {
            server = TrialGraphServer.start(Map.of(), args);
        } catch (Throwable e) {
            LOG.error("trialgraph did not start: {}", describe(e));
            LOG.debug("Start-up failure in detail", e);
            System.exit(1);
            return;
        }
        // Any thread of the process that dies of an uncaught failure (ours, a library's) leaves it half alive:
        // health says so, and the orchestrator restarts it. The launcher also exits on OutOfMemoryError.
        BackgroundTasks background = server.context().getBean(BackgroundTasks.class);
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> background.died(thread.getName(), failure));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "trialgraph-shutdown"));
        server.awaitTermination();
    }

    /** One line for a failed start: our own diagnosis when there is one, else the root cause. */
    static String describe(Throwable failure) {
        Throwable root = failure;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidConfigurationException) {
                return cause.getMessage();
            }
            root = cause;
        }
        String message = root.getMessage() == null ? root.getClass().getName() : root.getMessage();
        return message.lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty())
                .findFirst()
                .orElse(message);
    }
}
