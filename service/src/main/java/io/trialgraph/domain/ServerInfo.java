package io.trialgraph.domain;

/**
 * What the running server is and where its graph lives.
 *
 * @param version the trialgraph version
 * @param embeddedNeo4j true when the server runs its own Neo4j
 * @param boltUri where to point cypher-shell or a driver (never with credentials)
 * @param neo4jVersion the Neo4j server version
 * @param schemaVersion the newest applied schema migration
 */
public record ServerInfo(String version, boolean embeddedNeo4j, String boltUri, String neo4jVersion, String schemaVersion) {
}
