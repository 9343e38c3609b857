package io.trialgraph.grpc;

import static io.trialgraph.grpc.ExperimentEndpoint.reply;

import io.grpc.stub.StreamObserver;
import io.trialgraph.api.v1.GetLineageDotResponse;
import io.trialgraph.api.v1.GetLineageRequest;
import io.trialgraph.api.v1.GetLineageResponse;
import io.trialgraph.api.v1.LineageDirection;
import io.trialgraph.api.v1.LineageEdge;
import io.trialgraph.api.v1.LineageNode;
import io.trialgraph.api.v1.LineageNodeRef;
import io.trialgraph.api.v1.LineageServiceGrpc;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.Lineage;
import io.trialgraph.service.LineageService;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/** gRPC face of {@link LineageService}: translation only. */
@Singleton
class LineageEndpoint extends LineageServiceGrpc.LineageServiceImplBase {

    private final LineageService service;

    LineageEndpoint(LineageService service) {
        this.service = service;
    }

    @Override
    public void getLineage(GetLineageRequest request, StreamObserver<GetLineageResponse> response) {
        Lineage.Subgraph subgraph = service.lineage(query(request));
        GetLineageResponse.Builder builder = GetLineageResponse.newBuilder()
                .setTruncated(subgraph.truncated())
                .setNextPageToken(LineageService.nextPageToken(subgraph))
                .setHasCycle(subgraph.hasCycle());
        for (Lineage.Node node : subgraph.nodes()) {
            builder.addNodes(LineageNode.newBuilder()
                    .setKey(node.key())
                    .setKind(node.kind())
                    .setName(node.name())
                    .setUri(node.uri())
                    .setArtifactId(node.artifactId())
                    .setStatus(node.status())
                    .setDigest(node.digest())
                    .setDepth(node.depth()));
        }
        for (Lineage.Edge edge : subgraph.edges()) {
            builder.addEdges(LineageEdge.newBuilder()
                    .setFromKey(edge.fromKey())
                    .setToKey(edge.toKey())
                    .setType(edge.type())
                    .setName(edge.name()));
        }
        reply(response, builder.build());
    }

    @Override
    public void getLineageDot(GetLineageRequest request, StreamObserver<GetLineageDotResponse> response) {
        Lineage.Subgraph subgraph = service.lineage(query(request));
        reply(response, GetLineageDotResponse.newBuilder()
                .setDot(LineageService.dot(subgraph))
                .setTruncated(subgraph.truncated())
                .build());
    }

    private static Lineage.Query query(GetLineageRequest request) {
        List<Lineage.NodeRef> start = new ArrayList<>();
        for (LineageNodeRef ref : request.getStartList()) {
            start.add(switch (ref.getRefCase()) {
                case ARTIFACT_URI -> new Lineage.NodeRef(ref.getArtifactUri(), null, null);
                case ARTIFACT_ID -> new Lineage.NodeRef(null, ref.getArtifactId(), null);
                case TRIAL_COMPONENT_NAME -> new Lineage.NodeRef(null, null, ref.getTrialComponentName());
                case REF_NOT_SET -> new Lineage.NodeRef(null, null, null);
            });
        }
        return LineageService.query(start, direction(request.getDirection()), request.getMaxDepth(),
                request.getIncludeKindsList(), request.getEdgeTypesList(), request.getStopAtKindsList(), request.getMaxNodes(),
                request.getPageToken());
    }

    private static Lineage.Direction direction(LineageDirection direction) {
        return switch (direction) {
            case LINEAGE_DIRECTION_UNSPECIFIED, LINEAGE_DIRECTION_UPSTREAM -> Lineage.Direction.UPSTREAM;
            case LINEAGE_DIRECTION_DOWNSTREAM -> Lineage.Direction.DOWNSTREAM;
            case LINEAGE_DIRECTION_BOTH -> Lineage.Direction.BOTH;
            case UNRECOGNIZED -> throw new InvalidArgumentException("direction", "is not a known LineageDirection");
        };
    }
}
