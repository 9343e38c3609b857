package io.trialgraph.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * Captures what a logger (and the loggers under it) writes while a test runs, as logback events
 * with their SLF4J key-values. Close it to detach.
 */
public final class CapturedLogs implements AutoCloseable {

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private CapturedLogs(Logger logger) {
        this.logger = logger;
        appender.start();
        logger.addAppender(appender);
    }

    /** Captures the named logger; {@code Logger.ROOT_LOGGER_NAME} captures everything. */
    public static CapturedLogs of(String loggerName) {
        return new CapturedLogs((Logger) LoggerFactory.getLogger(loggerName));
    }

    /** @return the events so far */
    public List<ILoggingEvent> events() {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    /** @return the events with this message */
    public List<ILoggingEvent> withMessage(String message) {
        return events().stream().filter(event -> message.equals(event.getMessage())).toList();
    }

    /** @return an event's key-values as a map (values as text) */
    public static Map<String, String> keyValues(ILoggingEvent event) {
        List<KeyValuePair> pairs = event.getKeyValuePairs() == null ? List.of() : event.getKeyValuePairs();
        return pairs.stream().collect(Collectors.toMap(pair -> pair.key, pair -> String.valueOf(pair.value)));
    }

    /** @return every event as the whole text a reader of the log could see: message, key-values, arguments, exception */
    public String everything() {
        StringBuilder text = new StringBuilder();
        for (ILoggingEvent event : events()) {
            text.append(event.getFormattedMessage()).append(' ').append(keyValues(event)).append(' ');
            if (event.getThrowableProxy() != null) {
                text.append(event.getThrowableProxy().getMessage());
            }
            text.append('\n');
        }
        return text.toString();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
