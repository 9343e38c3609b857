package io.trialgraph.service;

import io.trialgraph.TrialGraphVersion;
import io.trialgraph.domain.ServerInfo;
import io.trialgraph.neo4j.Neo4jConnection;
import io.trialgraph.neo4j.SchemaMigrations;
import io.trialgraph.store.ServerStore;
import jakarta.inject.Singleton;

/** Describes the running server; the Neo4j version is asked once and remembered. */
@Singleton
public class ServerInfoService {

    private final Neo4jConnection neo4j;
    private final SchemaMigrations migrations;
    private final ServerStore store;
    private volatile String neo4jVersion;

    ServerInfoService(Neo4jConnection neo4j, SchemaMigrations migrations, ServerStore store) {
        this.neo4j = neo4j;
        this.migrations = migrations;
        this.store = store;
    }

    public ServerInfo info() {
        String version = neo4jVersion;
        if (version == null) {
            version = store.neo4jVersion();
            neo4jVersion = version;
        }
        return new ServerInfo(TrialGraphVersion.VERSION, neo4j.isEmbedded(), neo4j.boltUri(), version,
                migrations.appliedVersion());
    }
}
