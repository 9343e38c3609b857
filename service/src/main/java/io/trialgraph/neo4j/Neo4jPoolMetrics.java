package io.trialgraph.neo4j;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micronaut.context.BeanProvider;
import io.trialgraph.config.Neo4jConfiguration;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.neo4j.driver.observation.metrics.ConnectionPoolMetrics;

/**
 * The Neo4j driver's connection pool as meters: connections in use, idle and being acquired now,
 * the configured maximum, and acquisitions (count, total time, time-outs). Summed over the
 * driver's pools, which a routing URI opens one per cluster member and closes as members come
 * and go, so the series stay stable. Read at scrape time: nothing is counted on the query path
 * beyond what the driver counts anyway.
 */
@Singleton
class Neo4jPoolMetrics implements MeterBinder {

    private final BeanProvider<Neo4jConnection> neo4j;
    private final int maxPoolSize;

    // Lazy: the meter registry is built before Neo4j must be connected.
    Neo4jPoolMetrics(BeanProvider<Neo4jConnection> neo4j, Neo4jConfiguration config) {
        this.neo4j = neo4j;
        this.maxPoolSize = config.getMaxConnectionPoolSize();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("trialgraph.neo4j.pool.in.use", this, m -> m.sum(ConnectionPoolMetrics::inUse))
                .description("Bolt connections borrowed from the driver's pools now").register(registry);
        Gauge.builder("trialgraph.neo4j.pool.idle", this, m -> m.sum(ConnectionPoolMetrics::idle))
                .description("Bolt connections idle in the driver's pools now").register(registry);
        Gauge.builder("trialgraph.neo4j.pool.acquiring", this, m -> m.sum(ConnectionPoolMetrics::acquiring))
                .description("Requests waiting for a Bolt connection now").register(registry);
        Gauge.builder("trialgraph.neo4j.pool.max", this, m -> m.maxPoolSize)
                .description("Most Bolt connections one pool may open (neo4j.max-connection-pool-size)").register(registry);
        FunctionTimer.builder("trialgraph.neo4j.pool.acquisition", this,
                        m -> (long) m.sum(ConnectionPoolMetrics::acquired), m -> m.sum(ConnectionPoolMetrics::totalAcquisitionTime),
                        TimeUnit.MILLISECONDS)
                .description("Bolt connections acquired from the pools, and the time spent waiting for them").register(registry);
        FunctionCounter.builder("trialgraph.neo4j.pool.acquisition.timeouts", this,
                        m -> m.sum(ConnectionPoolMetrics::timedOutToAcquire))
                .description("Acquisitions that gave up waiting for a free Bolt connection").register(registry);
    }

    private double sum(ToLongFunction<ConnectionPoolMetrics> figure) {
        if (!neo4j.isPresent()) {
            return 0;
        }
        long total = 0;
        for (ConnectionPoolMetrics pool : neo4j.get().connectionPools()) {
            total += figure.applyAsLong(pool);
        }
        return total;
    }
}
