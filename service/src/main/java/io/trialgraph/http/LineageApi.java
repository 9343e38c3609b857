package io.trialgraph.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.trialgraph.api.v1.LineageServiceGrpc;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.Lineage;
import io.trialgraph.service.LineageService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lineage over HTTP: GetLineage's fields as query parameters. Start nodes are given by the keys
 * the answer's nodes carry ({@code start=artifact:<uri>}, {@code start=component:<name>}), so
 * expanding from a node is asking again with its key.
 */
@Controller(Api.PREFIX + "/lineage")
@ExecuteOn(Api.EXECUTOR)
final class LineageApi {

    private final LineageService service;

    LineageApi(LineageService service) {
        this.service = service;
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    @Rpc(LineageServiceGrpc.SERVICE_NAME + "/GetLineage")
    HttpResponse<String> lineage(HttpRequest<?> request) {
        Params params = new Params(request);
        List<Lineage.NodeRef> start = new ArrayList<>();
        List<String> keys = params.all("start");
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            if (key.startsWith("artifact:")) {
                start.add(new Lineage.NodeRef(key.substring("artifact:".length()), null, null));
            } else if (key.startsWith("component:")) {
                start.add(new Lineage.NodeRef(null, null, key.substring("component:".length())));
            } else {
                throw new InvalidArgumentException(
                        "start[" + i + "]",
                        "must be artifact:<uri> or component:<name>, is '" + Params.quoted(key) + "'");
            }
        }
        Lineage.Direction direction = switch (params.text("direction").toLowerCase(Locale.ROOT)) {
            case "", "upstream" -> Lineage.Direction.UPSTREAM;
            case "downstream" -> Lineage.Direction.DOWNSTREAM;
            case "both" -> Lineage.Direction.BOTH;
            default ->
                throw new InvalidArgumentException(
                        "direction",
                        "must be upstream, downstream or both, is '" + Params.quoted(params.text("direction")) + "'");
        };
        Lineage.Subgraph subgraph = service.lineage(LineageService.query(
                start,
                direction,
                params.integer("max_depth", 0),
                params.all("include_kinds"),
                params.all("edge_types"),
                params.all("stop_at_kinds"),
                params.integer("max_nodes", 0),
                params.text("page_token")));
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (Lineage.Node node : subgraph.nodes()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("key", node.key());
            item.put("kind", node.kind());
            item.put("name", node.name());
            item.put("uri", node.uri());
            item.put("artifact_id", node.artifactId());
            item.put("status", node.status());
            item.put("digest", node.digest());
            item.put("depth", node.depth());
            nodes.add(item);
        }
        List<Map<String, Object>> edges = new ArrayList<>();
        for (Lineage.Edge edge : subgraph.edges()) {
            edges.add(Map.of(
                    "from_key", edge.fromKey(), "to_key", edge.toKey(), "type", edge.type(), "name", edge.name()));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("nodes", nodes);
        answer.put("edges", edges);
        answer.put("truncated", subgraph.truncated());
        answer.put("next_page_token", LineageService.nextPageToken(subgraph));
        answer.put("has_cycle", subgraph.hasCycle());
        return ExperimentsApi.json(answer);
    }
}
