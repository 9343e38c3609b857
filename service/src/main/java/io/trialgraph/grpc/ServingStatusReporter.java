package io.trialgraph.grpc;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.trialgraph.config.ServerConfiguration;
import io.trialgraph.service.ServerInfoService;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the gRPC health status: SERVING once the service is ready, NOT_SERVING whenever Neo4j
 * stops answering (checked periodically), and NOT_SERVING for good once shutdown begins. The
 * service name {@value #LIVENESS} answers whether the process itself is alive: SERVING from ready
 * to shutdown whatever Neo4j does, so a liveness probe does not restart every replica while
 * Neo4j is away (readiness, the overall status, takes them out of the load balancer instead).
 */
@Singleton
public class ServingStatusReporter {

    /** The health service name of the process's own liveness, for liveness probes. */
    public static final String LIVENESS = "liveness";

    private static final Logger LOG = LoggerFactory.getLogger(ServingStatusReporter.class);

    private final HealthStatusManager health;
    private final ServerInfoService server;
    private final ServerConfiguration config;
    private ScheduledExecutorService checker;
    private volatile boolean neo4jReachable = true;
    private volatile boolean serving;
    private boolean stopped;

    ServingStatusReporter(HealthStatusManager health, ServerInfoService server, ServerConfiguration config) {
        this.health = health;
        this.server = server;
        this.config = config;
    }

    /** Reports SERVING and starts watching Neo4j. */
    public synchronized void ready() {
        health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
        health.setStatus(LIVENESS, ServingStatus.SERVING);
        serving = true;
        long interval = Math.max(1, config.getHealthCheckInterval().toMillis());
        checker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "trialgraph-health");
            thread.setDaemon(true);
            return thread;
        });
        checker.scheduleWithFixedDelay(this::check, interval, interval, TimeUnit.MILLISECONDS);
    }

    private void check() {
        boolean reachable = server.isDatabaseReachable();
        if (reachable != neo4jReachable) {
            neo4jReachable = reachable;
            if (reachable) {
                LOG.info("Neo4j at {} answers again: health is SERVING", server.databaseUri());
            } else {
                LOG.warn("Neo4j at {} does not answer: health is NOT_SERVING", server.databaseUri());
            }
            health.setStatus(
                    HealthStatusManager.SERVICE_NAME_ALL_SERVICES,
                    reachable ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
        }
    }

    /** @return whether the overall status is SERVING now: ready, Neo4j answering, not shutting down */
    public boolean isServing() {
        return serving && neo4jReachable;
    }

    /** Reports NOT_SERVING from now on; called when shutdown begins. */
    @PreDestroy
    public synchronized void stopping() {
        if (stopped) {
            return;
        }
        stopped = true;
        serving = false;
        if (checker != null) {
            checker.shutdownNow();
        }
        health.enterTerminalState();
    }
}
