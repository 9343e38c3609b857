package io.trialgraph.store;

import io.trialgraph.neo4j.Neo4jConnection;
import jakarta.inject.Singleton;
import org.neo4j.driver.AccessMode;
import org.neo4j.driver.Session;

/** Facts about the Neo4j server itself. */
@Singleton
public class ServerStore {

    private final Neo4jConnection neo4j;

    ServerStore(Neo4jConnection neo4j) {
        this.neo4j = neo4j;
    }

    /** @return the Neo4j kernel version, e.g. {@code 5.26.30} */
    public String neo4jVersion() {
        try (Session session = neo4j.session(AccessMode.READ)) {
            return session.executeRead(tx -> tx.run(
                    "CALL dbms.components() YIELD name, versions WHERE name = 'Neo4j Kernel' RETURN versions[0] AS version")
                    .single().get("version").asString());
        }
    }
}
