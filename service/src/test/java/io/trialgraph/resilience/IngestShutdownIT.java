package io.trialgraph.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.trialgraph.TrialGraphServer;
import io.trialgraph.testing.IngestStream;
import io.trialgraph.testing.TestNeo4j;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.neo4j.driver.Session;

/**
 * A server stopping (what SIGTERM starts) while writers stream and one stream idles: every ingest
 * stream ends with UNAVAILABLE, which clients resend on, not CANCELLED, and every batch that was
 * acknowledged is stored.
 */
@TrialGraphTest
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class IngestShutdownIT {

    @Test
    void stoppingEndsEveryIngestStreamWithUnavailableAndKeepsWhatWasAcknowledged(TestNeo4j neo4j) throws Exception {
        TrialGraphServer server = TestServer.dedicated(neo4j, Map.of("trialgraph.server.shutdown-grace-period", "30s"));
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
                .usePlaintext()
                .build();
        try {
            IngestWriters writers = new IngestWriters("stopping", 4, 10_000).createComponents(channel);
            IngestStream idle = IngestStream.open(channel);
            writers.start(channel, 1, Long.MAX_VALUE);
            for (IngestWriters.Writer writer : writers.writers()) {
                while (writer.acknowledged.get() < 2) {
                    assertThat(writer.end.isDone()).isFalse();
                    Thread.sleep(20);
                }
            }
            server.close();
            List<Status> ends = writers.awaitEnd(60);
            assertThat(ends).extracting(Status::getCode).containsOnly(Status.Code.UNAVAILABLE);
            assertThat(ends.get(0).getDescription()).contains("resend");
            assertThat(idle.awaitEnd().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            try (Session session = neo4j.driver().session()) {
                for (IngestWriters.Writer writer : writers.writers()) {
                    long stored = session.run(
                                    "MATCH (m:Metric {component: $c}) RETURN coalesce(sum(m.count), 0) AS n",
                                    Map.of("c", writer.component))
                            .single()
                            .get("n")
                            .asLong();
                    assertThat(stored)
                            .as(writer.name)
                            .isGreaterThanOrEqualTo(writer.acknowledged.get() * 10_000)
                            .isLessThanOrEqualTo(writer.sent.get() * 10_000);
                }
            }
        } finally {
            channel.shutdownNow();
            server.close();
        }
    }
}
