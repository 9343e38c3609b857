package io.trialgraph.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.trialgraph.api.v1.MetricServiceGrpc;
import io.trialgraph.api.v1.ServerServiceGrpc;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.domain.ArtifactLink;
import io.trialgraph.domain.MetricSummary;
import io.trialgraph.domain.ServerInfo;
import io.trialgraph.domain.TrialComponent;
import io.trialgraph.service.MetricService;
import io.trialgraph.service.ServerInfoService;
import io.trialgraph.service.TrialComponentService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Trial components, their metric summaries and the server's own description, over HTTP. */
@Controller(Api.PREFIX)
@ExecuteOn(Api.EXECUTOR)
final class ComponentsApi {

    private final TrialComponentService components;
    private final MetricService metrics;
    private final ServerInfoService server;

    ComponentsApi(TrialComponentService components, MetricService metrics, ServerInfoService server) {
        this.components = components;
        this.metrics = metrics;
        this.server = server;
    }

    @Get(uri = "/components/{name}", produces = MediaType.APPLICATION_JSON)
    @Rpc(TrialComponentServiceGrpc.SERVICE_NAME + "/GetTrialComponent")
    HttpResponse<String> get(@PathVariable String name) {
        TrialComponent c = components.get(name);
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("name", c.name());
        item.put("display_name", c.displayName());
        item.put("kind", c.kind());
        item.put("status", c.status() == null ? null : c.status().graphValue());
        item.put("status_message", c.statusMessage());
        item.put("start_time", ExperimentsApi.time(c.startTime()));
        item.put("end_time", ExperimentsApi.time(c.endTime()));
        item.put("create_time", ExperimentsApi.time(c.createdAt()));
        item.put("update_time", ExperimentsApi.time(c.updatedAt()));
        Map<String, Object> parameters = new LinkedHashMap<>();
        c.parameters().forEach((key, value) -> parameters.put(key, value instanceof Double d ? Json.finite(d) : value));
        item.put("parameters", parameters);
        item.put("metadata", c.metadata());
        item.put("inputs", links(c.inputs()));
        item.put("outputs", links(c.outputs()));
        item.put("trial_names", c.trialNames());
        return ExperimentsApi.json(Map.of("trial_component", item));
    }

    @Get(uri = "/metric-summaries", produces = MediaType.APPLICATION_JSON)
    @Rpc(MetricServiceGrpc.SERVICE_NAME + "/GetMetricSummaries")
    HttpResponse<String> summaries(HttpRequest<?> request) {
        Params params = new Params(request);
        List<Map<String, Object>> items = new ArrayList<>();
        for (MetricSummary s : metrics.summaries(params.all("component"), params.all("metric"))) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("trial_component_name", s.component());
            item.put("metric_name", s.metric());
            item.put("count", s.count());
            item.put("non_finite_count", s.nonFiniteCount());
            item.put("min", Json.finite(s.min()));
            item.put("max", Json.finite(s.max()));
            item.put("mean", Json.finite(s.mean()));
            item.put("std", Json.finite(s.std()));
            item.put("first", Json.finite(s.first()));
            item.put("last", Json.finite(s.last()));
            item.put("first_step", s.firstStep());
            item.put("last_step", s.lastStep());
            item.put("min_step", s.minStep());
            item.put("max_step", s.maxStep());
            item.put("first_timestamp", s.firstTimestamp());
            item.put("last_timestamp", s.lastTimestamp());
            items.add(item);
        }
        return ExperimentsApi.json(Map.of("summaries", items));
    }

    @Get(uri = "/server-info", produces = MediaType.APPLICATION_JSON)
    @Rpc(ServerServiceGrpc.SERVICE_NAME + "/GetServerInfo")
    HttpResponse<String> serverInfo() {
        ServerInfo info = server.info();
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("version", info.version());
        item.put("embedded_neo4j", info.embeddedNeo4j());
        item.put("bolt_uri", info.boltUri());
        item.put("neo4j_version", info.neo4jVersion());
        item.put("schema_version", info.schemaVersion());
        return ExperimentsApi.json(item);
    }

    private static List<Map<String, Object>> links(List<ArtifactLink> links) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (ArtifactLink link : links) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("name", link.name());
            item.put("uri", link.artifact().uri());
            item.put(
                    "kind",
                    link.artifact().kind() == null
                            ? null
                            : link.artifact().kind().graphValue());
            item.put("artifact_name", link.artifact().name());
            item.put("digest", link.artifact().digest());
            items.add(item);
        }
        return items;
    }
}
