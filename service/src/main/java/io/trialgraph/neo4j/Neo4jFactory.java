package io.trialgraph.neo4j;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.trialgraph.config.EmbeddedNeo4jConfiguration;
import io.trialgraph.config.Neo4jConfiguration;
import io.trialgraph.config.TlsConfiguration;
import jakarta.inject.Singleton;

/** Creates the one {@link Neo4jConnection} of the application and closes it on shutdown. */
@Factory
class Neo4jFactory {

    @Singleton
    @Bean(preDestroy = "close")
    Neo4jConnection neo4jConnection(
            Neo4jConfiguration config, EmbeddedNeo4jConfiguration embedded, TlsConfiguration tls) {
        return Neo4jConnection.open(config, embedded, tls);
    }
}
