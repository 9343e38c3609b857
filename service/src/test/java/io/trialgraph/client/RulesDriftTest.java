package io.trialgraph.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.Rules;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Java client refuses exactly the names the server refuses: the metric logger checks names
 * in {@code log} (so a bad name fails the call, not a whole batch on the server), and a copy of
 * a rule that drifted from the server's would either drop good points or let bad ones through.
 * Both sides read io.trialgraph.rules; this fails if either grows a rule of its own.
 */
class RulesDriftTest {

    private static final String EMOJI = "\uD83D\uDE00";
    private static final List<String> SAMPLES = List.of(
            "job",
            "custom-adam-60.v2_x",
            "a".repeat(120),
            "a".repeat(121),
            "",
            "my job",
            "-job",
            "_job",
            "job/1",
            "job:1",
            "jöb",
            EMOJI,
            EMOJI.repeat(128),
            EMOJI.repeat(255),
            EMOJI.repeat(256),
            "val_acc",
            "val acc",
            "a\u0001b",
            "a\tb",
            "x".repeat(255),
            "x".repeat(256),
            "k".repeat(20_000));

    private ManagedChannel nowhere;
    private MetricLogger logger;

    @BeforeEach
    void start() {
        // Nothing is ever sent: batches linger for an hour and the logger is closed at once.
        nowhere = ManagedChannelBuilder.forTarget("localhost:1").usePlaintext().build();
        logger = MetricLogger.builder(nowhere).linger(Duration.ofHours(1)).build();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            logger.close(Duration.ZERO);
        } catch (TrialGraphException expected) {
            // the points logged here are dropped on purpose
        }
        nowhere.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static boolean serverAccepts(Runnable rule) {
        try {
            rule.run();
            return true;
        } catch (InvalidArgumentException refused) {
            return false;
        }
    }

    private boolean clientAccepts(String component, String metric) {
        try {
            logger.log(component, metric, 0, 1.0);
            return true;
        } catch (TrialGraphException refused) {
            return false;
        }
    }

    @Test
    void componentNamesAreAcceptedAndRefusedAlike() {
        for (String name : SAMPLES) {
            assertThat(clientAccepts(name, "loss"))
                    .as("component name %s", name.length() > 40 ? name.length() + " chars" : name)
                    .isEqualTo(serverAccepts(() -> Rules.name("name", name)));
        }
    }

    @Test
    void metricNamesAreAcceptedAndRefusedAlike() {
        for (String name : SAMPLES) {
            assertThat(clientAccepts("job", name))
                    .as("metric name %s", name.length() > 40 ? name.length() + " chars" : name)
                    .isEqualTo(serverAccepts(() -> Rules.metricName("metric_name", name)));
        }
    }
}
