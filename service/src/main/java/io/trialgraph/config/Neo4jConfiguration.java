package io.trialgraph.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/**
 * Where the graph lives. With no {@code neo4j.uri} the service embeds its own Neo4j (see
 * {@link EmbeddedNeo4jConfiguration}); with one, it connects to that server, cluster or Aura and
 * embeds nothing. Every setting can also come from the environment: {@code NEO4J_URI},
 * {@code NEO4J_USERNAME}, {@code NEO4J_PASSWORD}, {@code NEO4J_DATABASE}, ...
 */
@ConfigurationProperties("neo4j")
public class Neo4jConfiguration {

    private String uri = "";
    private String username = "neo4j";
    private String password = "";
    private String database = "";
    private Duration connectionTimeout = Duration.ofSeconds(10);
    private int maxConnectionPoolSize = 64;

    /** @return the Bolt URI of an external Neo4j ({@code bolt://}, {@code neo4j://}, {@code neo4j+s://}, ...); empty (the default) embeds one */
    public String getUri() {
        return uri;
    }

    public void setUri(String uri) {
        this.uri = uri == null ? "" : uri.trim();
    }

    /** @return true when an external Neo4j is configured */
    public boolean isExternal() {
        return !uri.isEmpty();
    }

    /** @return the user name for an external Neo4j; default {@code neo4j} */
    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    /** @return the password for an external Neo4j; default empty (no authentication) */
    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password == null ? "" : password;
    }

    /** @return the database to use; default empty, meaning the server's default database */
    public String getDatabase() {
        return database;
    }

    public void setDatabase(String database) {
        this.database = database == null ? "" : database.trim();
    }

    /** @return how long to wait for a connection to Neo4j; default 10 seconds */
    public Duration getConnectionTimeout() {
        return connectionTimeout;
    }

    public void setConnectionTimeout(Duration connectionTimeout) {
        this.connectionTimeout = connectionTimeout;
    }

    /** @return the most Bolt connections the service opens; default 64 */
    public int getMaxConnectionPoolSize() {
        return maxConnectionPoolSize;
    }

    public void setMaxConnectionPoolSize(int maxConnectionPoolSize) {
        this.maxConnectionPoolSize = maxConnectionPoolSize;
    }
}
