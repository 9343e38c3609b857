package io.trialgraph.grpc;

import io.grpc.stub.StreamObserver;
import io.trialgraph.api.v1.GetServerInfoRequest;
import io.trialgraph.api.v1.GetServerInfoResponse;
import io.trialgraph.api.v1.ServerServiceGrpc;
import io.trialgraph.domain.ServerInfo;
import io.trialgraph.service.ServerInfoService;
import jakarta.inject.Singleton;

/** gRPC face of {@link ServerInfoService}. */
@Singleton
class ServerInfoEndpoint extends ServerServiceGrpc.ServerServiceImplBase {

    private final ServerInfoService service;

    ServerInfoEndpoint(ServerInfoService service) {
        this.service = service;
    }

    @Override
    public void getServerInfo(GetServerInfoRequest request, StreamObserver<GetServerInfoResponse> response) {
        ServerInfo info = service.info();
        response.onNext(GetServerInfoResponse.newBuilder()
                .setVersion(info.version())
                .setEmbeddedNeo4J(info.embeddedNeo4j())
                .setBoltUri(info.boltUri())
                .setNeo4JVersion(info.neo4jVersion())
                .setSchemaVersion(info.schemaVersion())
                .build());
        response.onCompleted();
    }
}
