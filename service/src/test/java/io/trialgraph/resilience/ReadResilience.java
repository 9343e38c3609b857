package io.trialgraph.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.trialgraph.api.v1.ExperimentServiceGrpc;
import io.trialgraph.api.v1.ListExperimentsRequest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

/** What every resilience case of the read path checks afterwards, and how it looks at Neo4j. */
final class ReadResilience {

    private ReadResilience() {}

    /** The server still says SERVING and answers a small call, each within 2 s. */
    static void stillServing(Channel channel) {
        assertThat(HealthGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(2, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance())
                        .getStatus())
                .isEqualTo(ServingStatus.SERVING);
        ExperimentServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(2, TimeUnit.SECONDS)
                .listExperiments(ListExperimentsRequest.getDefaultInstance());
    }

    /** @return the texts of the queries Neo4j runs now whose text contains {@code marker} */
    static List<String> running(Driver driver, String marker) {
        try (Session session = driver.session()) {
            return session.run(
                            "SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery CONTAINS $marker RETURN currentQuery",
                            java.util.Map.of("marker", marker))
                    .list(r -> r.get(0).asString());
        }
    }

    /** Waits up to {@code seconds} until Neo4j runs no query containing {@code marker}; fails if one stays. */
    static void awaitNoneRunning(Driver driver, String marker, int seconds) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<String> left = running(driver, marker);
        while (!left.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(100);
            left = running(driver, marker);
        }
        assertThat(left).as("queries still running in Neo4j").isEmpty();
    }

    /** @return the status of a call that must fail */
    static Status failure(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
        throw new AssertionError("the call succeeded");
    }
}
