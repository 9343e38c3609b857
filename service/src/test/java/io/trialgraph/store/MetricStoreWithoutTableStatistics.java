package io.trialgraph.store;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.trialgraph.neo4j.Neo4jConnection;
import jakarta.inject.Singleton;

/**
 * For the ingest benchmark's baseline only (never on in the product): stores metrics as the
 * service did before the analytics table kept its copy of the statistics, so the benchmark can
 * say what the copy costs. Active when the test classpath is present and
 * {@code bench.table-statistics=false}.
 */
@Singleton
@Replaces(MetricStore.class)
@Requires(property = "bench.table-statistics", value = "false")
public class MetricStoreWithoutTableStatistics extends MetricStore {

    MetricStoreWithoutTableStatistics(Neo4jConnection neo4j) {
        super(neo4j);
    }

    @Override
    protected boolean copiesTableStatistics() {
        return false;
    }
}
