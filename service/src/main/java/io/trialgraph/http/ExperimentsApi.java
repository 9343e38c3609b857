package io.trialgraph.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.trialgraph.api.v1.ExperimentServiceGrpc;
import io.trialgraph.domain.Experiment;
import io.trialgraph.domain.ExperimentActivity;
import io.trialgraph.domain.Page;
import io.trialgraph.service.ExperimentService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Experiments over HTTP: the list (with how busy each is) and one experiment. */
@Controller(Api.PREFIX + "/experiments")
@ExecuteOn(Api.EXECUTOR)
final class ExperimentsApi {

    private final ExperimentService service;

    ExperimentsApi(ExperimentService service) {
        this.service = service;
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    @Rpc(ExperimentServiceGrpc.SERVICE_NAME + "/ListExperiments")
    HttpResponse<String> list(HttpRequest<?> request) {
        Params params = new Params(request);
        Page<Experiment> page = service.list(
                params.text("name_prefix"), Map.of(), params.integer("page_size", 0), params.text("page_token"));
        Map<String, ExperimentActivity> activity = new LinkedHashMap<>();
        service.activity(page.items().stream().map(Experiment::name).toList())
                .forEach(a -> activity.put(a.experiment(), a));
        List<Map<String, Object>> items = new ArrayList<>();
        for (Experiment experiment : page.items()) {
            Map<String, Object> item = experiment(experiment);
            ExperimentActivity a = activity.get(experiment.name());
            if (a != null) {
                item.put("component_count", a.components());
                item.put("job_count", a.jobs());
                item.put("running_job_count", a.running());
                item.put("last_activity", time(a.lastActivity()));
            }
            items.add(item);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("experiments", items);
        answer.put("next_page_token", page.nextPageToken());
        return json(answer);
    }

    @Get(uri = "/{name}", produces = MediaType.APPLICATION_JSON)
    @Rpc(ExperimentServiceGrpc.SERVICE_NAME + "/GetExperiment")
    HttpResponse<String> get(@PathVariable String name) {
        return json(Map.of("experiment", experiment(service.get(name))));
    }

    static Map<String, Object> experiment(Experiment experiment) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("name", experiment.name());
        item.put("display_name", experiment.displayName());
        item.put("description", experiment.description());
        item.put("tags", experiment.tags());
        item.put("trial_count", experiment.trialCount());
        item.put("create_time", time(experiment.createdAt()));
        item.put("update_time", time(experiment.updatedAt()));
        return item;
    }

    static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    static HttpResponse<String> json(Object answer) {
        return HttpResponse.ok(Json.write(answer)).contentType(MediaType.APPLICATION_JSON_TYPE);
    }
}
