package io.trialgraph.service;

import io.trialgraph.TrialGraphVersion;
import io.trialgraph.domain.ServerInfo;
import io.trialgraph.store.ServerStore;
import jakarta.inject.Singleton;

/** Describes the running server; the Neo4j version is asked once and remembered. */
@Singleton
public class ServerInfoService {

    private final ServerStore store;
    private volatile String neo4jVersion;

    ServerInfoService(ServerStore store) {
        this.store = store;
    }

    public ServerInfo info() {
        String version = neo4jVersion;
        if (version == null) {
            version = store.neo4jVersion();
            neo4jVersion = version;
        }
        return new ServerInfo(
                TrialGraphVersion.VERSION, store.isEmbedded(), store.boltUri(), version, store.schemaVersion());
    }

    /** @return true when the database answers now (for health checking) */
    public boolean isDatabaseReachable() {
        return store.isReachable();
    }

    /** @return the Bolt URI the service talks to, for messages */
    public String databaseUri() {
        return store.boltUri();
    }
}
