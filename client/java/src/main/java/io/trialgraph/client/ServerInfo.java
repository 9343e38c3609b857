package io.trialgraph.client;

/**
 * What the server says about itself ({@link TrialGraphClient#serverInfo()}).
 *
 * @param version the trialgraph version, e.g. "0.1.0"
 * @param embeddedNeo4j true when the server runs its own embedded Neo4j
 * @param boltUri the Bolt URI of the graph, for cypher-shell or any Neo4j driver (no credentials)
 * @param neo4jVersion the Neo4j version, e.g. "5.26.30"
 * @param schemaVersion the newest applied schema migration
 */
public record ServerInfo(String version, boolean embeddedNeo4j, String boltUri, String neo4jVersion, String schemaVersion) {
}
