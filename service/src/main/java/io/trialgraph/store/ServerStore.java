package io.trialgraph.store;

import io.trialgraph.neo4j.Neo4jConnection;
import io.trialgraph.neo4j.SchemaMigrations;
import jakarta.inject.Singleton;
import org.neo4j.driver.AccessMode;
import org.neo4j.driver.Session;

/** Facts about the Neo4j server itself and the service's connection to it. */
@Singleton
public class ServerStore {

    private final Neo4jConnection neo4j;
    private final SchemaMigrations migrations;

    ServerStore(Neo4jConnection neo4j, SchemaMigrations migrations) {
        this.neo4j = neo4j;
        this.migrations = migrations;
    }

    /** @return the Neo4j kernel version, e.g. {@code 5.26.30} */
    public String neo4jVersion() {
        try (Session session = neo4j.session(AccessMode.READ)) {
            return session.executeRead(tx -> tx.run(
                            "CALL dbms.components() YIELD name, versions WHERE name = 'Neo4j Kernel' RETURN versions[0] AS version")
                    .single()
                    .get("version")
                    .asString());
        }
    }

    /** @return true when the service runs its own embedded Neo4j */
    public boolean isEmbedded() {
        return neo4j.isEmbedded();
    }

    /** @return the Bolt URI the service talks to (without credentials) */
    public String boltUri() {
        return neo4j.boltUri();
    }

    /** @return the version of the last schema migration applied at start-up */
    public String schemaVersion() {
        return migrations.appliedVersion();
    }

    /** @return true when Neo4j answers a trivial query now */
    public boolean isReachable() {
        return neo4j.isReachable();
    }
}
