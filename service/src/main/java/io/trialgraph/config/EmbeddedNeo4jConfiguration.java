package io.trialgraph.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.convert.format.ReadableBytes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedded Neo4j that runs when no {@code neo4j.uri} is set. Its Bolt connector listens on
 * loopback only and asks for the password generated into the data folder, so {@code cypher-shell}
 * on the same machine can explore the graph while the service runs, and nothing else can reach it.
 * Bolt on another address needs TLS (trialgraph's own certificate, {@code trialgraph.server.tls.*})
 * or {@code bolt-plaintext-beyond-loopback}.
 */
@ConfigurationProperties("neo4j.embedded")
public class EmbeddedNeo4jConfiguration {

    private Path dataDir = Path.of("trialgraph-data");
    private String boltHost = "127.0.0.1";
    private int boltPort = 7687;
    private long pageCacheSize = 256L * 1024 * 1024;
    private List<String> boltAllowedOrigins = new ArrayList<>();
    private boolean boltPlaintextBeyondLoopback;

    /** @return the folder holding the database files; default {@code trialgraph-data} under the working directory */
    public Path getDataDir() {
        return dataDir;
    }

    public void setDataDir(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** @return the address the Bolt connector listens on; default {@code 127.0.0.1} */
    public String getBoltHost() {
        return boltHost;
    }

    public void setBoltHost(String boltHost) {
        this.boltHost = boltHost;
    }

    /** @return the Bolt port; default 7687, 0 picks a free port */
    public int getBoltPort() {
        return boltPort;
    }

    public void setBoltPort(int boltPort) {
        this.boltPort = boltPort;
    }

    /** @return bytes of memory for Neo4j's page cache; default 256 MiB (accepts {@code 512MB}, {@code 1GB}) */
    public long getPageCacheSize() {
        return pageCacheSize;
    }

    public void setPageCacheSize(@ReadableBytes long pageCacheSize) {
        this.pageCacheSize = pageCacheSize;
    }

    /**
     * @return origins ({@code scheme://host:port}) of web pages allowed to open Bolt over WebSocket,
     *     e.g. a Neo4j Browser at {@code http://localhost:8080}; default none: a WebSocket request
     *     that a browser sends is refused
     */
    public List<String> getBoltAllowedOrigins() {
        return boltAllowedOrigins;
    }

    public void setBoltAllowedOrigins(List<String> boltAllowedOrigins) {
        this.boltAllowedOrigins = boltAllowedOrigins == null ? new ArrayList<>() : new ArrayList<>(boltAllowedOrigins);
    }

    /**
     * @return whether Bolt may listen on an address beyond loopback without TLS; default false:
     *     start-up stops instead, since the password and the graph would cross the network readable
     */
    public boolean isBoltPlaintextBeyondLoopback() {
        return boltPlaintextBeyondLoopback;
    }

    public void setBoltPlaintextBeyondLoopback(boolean boltPlaintextBeyondLoopback) {
        this.boltPlaintextBeyondLoopback = boltPlaintextBeyondLoopback;
    }
}
