package io.trialgraph.store;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.trialgraph.domain.MetricBatch;
import io.trialgraph.neo4j.Neo4jConnection;
import jakarta.inject.Singleton;

/**
 * For the ingest benchmark's transport baseline only (never on in the product): acknowledges
 * every batch without storing it, so the benchmark measures what gRPC, decoding and validation
 * alone allow. Active when the test classpath is present and {@code bench.discard-metrics=true}.
 */
@Singleton
@Replaces(MetricStore.class)
@Requires(property = "bench.discard-metrics", value = "true")
public class DiscardingMetricStore extends MetricStore {

    DiscardingMetricStore(Neo4jConnection neo4j) {
        super(neo4j);
    }

    @Override
    public long append(MetricBatch batch) {
        return batch.pointCount();
    }

    @Override
    public void skip(String writerId, long sequence) {
        // nothing stored, nothing to skip
    }
}
