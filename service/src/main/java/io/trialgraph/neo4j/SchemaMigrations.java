package io.trialgraph.neo4j;

import ac.simons.neo4j.migrations.core.MigrationVersion;
import ac.simons.neo4j.migrations.core.Migrations;
import ac.simons.neo4j.migrations.core.MigrationsConfig;
import io.trialgraph.config.Neo4jConfiguration;
import jakarta.inject.Singleton;

/**
 * Brings the graph schema (constraints and indexes) up to date with the versioned Cypher files
 * in {@code src/main/resources/neo4j/migrations}. neo4j-migrations records what it applied in the
 * graph and takes a lock, so several replicas may start at once.
 */
@Singleton
public class SchemaMigrations {

    private final Neo4jConnection connection;
    private final Neo4jConfiguration config;
    private volatile String appliedVersion = "";

    SchemaMigrations(Neo4jConnection connection, Neo4jConfiguration config) {
        this.connection = connection;
        this.config = config;
    }

    /** Applies every pending migration and returns the schema version now in force. */
    public String apply() {
        MigrationsConfig.Builder builder = MigrationsConfig.builder()
                .withLocationsToScan("classpath:neo4j/migrations")
                .withPackagesToScan()
                .withTransactionMode(MigrationsConfig.TransactionMode.PER_MIGRATION);
        if (!config.getDatabase().isEmpty()) {
            builder.withDatabase(config.getDatabase());
        }
        Migrations migrations = new Migrations(builder.build(), connection.driver());
        appliedVersion = migrations.apply().map(MigrationVersion::getValue).orElse("");
        return appliedVersion;
    }

    /** @return the newest applied migration, empty before {@link #apply()} */
    public String appliedVersion() {
        return appliedVersion;
    }
}
