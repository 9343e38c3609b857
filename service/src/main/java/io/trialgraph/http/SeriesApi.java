package io.trialgraph.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.sse.Event;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.trialgraph.api.v1.MetricServiceGrpc;
import io.trialgraph.config.HttpConfiguration;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.MetricPoints;
import io.trialgraph.domain.NotFoundException;
import io.trialgraph.service.MetricService;
import io.trialgraph.service.MetricWatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * Metric curves over HTTP: one metric of up to {@value MetricWatch#MAX_SERIES} components in one
 * request (each downsampled by the server, as ReadMetricSeries does), and the same series live as
 * server-sent events: new points are pushed as they are stored.
 */
@Controller(Api.PREFIX + "/series")
@ExecuteOn(Api.EXECUTOR)
final class SeriesApi {

    /** Events a slow reader may fall behind by before its stream is ended (it reconnects and reads what it missed). */
    static final int MAX_PENDING_EVENTS = 256;

    static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private final MetricService metrics;
    private final MetricWatch watch;
    private final HttpConfiguration config;

    SeriesApi(MetricService metrics, MetricWatch watch, HttpConfiguration config) {
        this.metrics = metrics;
        this.watch = watch;
        this.config = config;
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    @Rpc(MetricServiceGrpc.SERVICE_NAME + "/ReadMetricSeries")
    HttpResponse<String> read(HttpRequest<?> request) {
        Params params = new Params(request);
        List<String> components = params.all("component");
        if (components.isEmpty() || components.size() > MetricWatch.MAX_SERIES) {
            throw new InvalidArgumentException(
                    "component", "name 1 to " + MetricWatch.MAX_SERIES + " components, names " + components.size());
        }
        String metric = params.text("metric");
        Long minStep = params.optionalLong("min_step");
        Long maxStep = params.optionalLong("max_step");
        int maxPoints = params.integer("max_points", 0);
        List<Map<String, Object>> series = new ArrayList<>();
        for (String component : components) {
            Map<String, Object> item;
            try {
                MetricService.Series read = metrics.read(component, metric, minStep, maxStep, maxPoints);
                item = points(component, metric, read.points());
                item.put("total_points", read.totalPoints());
            } catch (NotFoundException missing) {
                // One component without the metric does not spoil the chart of the others.
                item = new LinkedHashMap<>();
                item.put("trial_component_name", component);
                item.put("metric_name", metric);
                item.put("error", Map.of("code", "NOT_FOUND", "message", missing.getMessage()));
            }
            series.add(item);
        }
        return ExperimentsApi.json(Map.of("series", series));
    }

    /**
     * Server-sent events {@code points} (data: a series' new points as {@link #points}) for each
     * component's metric after {@code after_step} (one per component, in order; default: all).
     */
    @Get(uri = "/live", produces = MediaType.TEXT_EVENT_STREAM)
    @Rpc(MetricServiceGrpc.SERVICE_NAME + "/ReadMetricSeries")
    Flux<Event<String>> live(HttpRequest<?> request) {
        Params params = new Params(request);
        List<String> components = params.all("component");
        List<String> after = params.all("after_step");
        if (!after.isEmpty() && after.size() != components.size()) {
            throw new InvalidArgumentException(
                    "after_step", "give one per component (" + components.size() + "), has " + after.size());
        }
        Map<String, Long> afterStep = new HashMap<>();
        for (int i = 0; i < after.size(); i++) {
            try {
                afterStep.put(components.get(i), Long.parseLong(after.get(i)));
            } catch (NumberFormatException e) {
                throw new InvalidArgumentException(
                        "after_step[" + i + "]", "must be a whole number, is '" + Params.quoted(after.get(i)) + "'");
            }
        }
        String metric = params.text("metric");
        // Opened here, so a refusal (bad name, too many streams) is an HTTP error before the stream starts.
        List<FluxSink<Event<String>>> sinks = new ArrayList<>(1);
        MetricWatch.Watch opened =
                watch.watch(components, metric, afterStep, config.getMaxLiveStreams(), new MetricWatch.Listener() {
                    @Override
                    public void points(String component, String name, MetricPoints points) {
                        synchronized (sinks) {
                            if (!sinks.isEmpty()) {
                                sinks.get(0)
                                        .next(Event.of(Json.write(SeriesApi.points(component, name, points)))
                                                .name("points"));
                            }
                        }
                    }
                });
        Flux<Event<String>> updates = Flux.<Event<String>>create(sink -> {
                    synchronized (sinks) {
                        sinks.add(sink);
                    }
                    sink.onDispose(opened::close);
                })
                .onBackpressureBuffer(MAX_PENDING_EVENTS, dropped -> opened.close(), BufferOverflowStrategy.ERROR);
        Flux<Event<String>> heartbeats =
                Flux.interval(HEARTBEAT).map(tick -> Event.of("").comment("keep-alive"));
        return Flux.concat(
                        Flux.just(Event.of(Json.write(Map.of("metric_name", metric)))
                                .name("open")),
                        Flux.merge(updates, heartbeats))
                .doFinally(signal -> opened.close());
    }

    /** A series as columns; NaN and infinities become null (JSON has no such numbers). */
    static Map<String, Object> points(String component, String metric, MetricPoints points) {
        long[] steps = new long[points.size()];
        Double[] values = new Double[points.size()];
        long[] timestamps = new long[points.size()];
        for (int i = 0; i < points.size(); i++) {
            steps[i] = points.step(i);
            values[i] = Json.finite(points.value(i));
            timestamps[i] = points.timestamp(i);
        }
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("trial_component_name", component);
        item.put("metric_name", metric);
        item.put("steps", steps);
        item.put("values", values);
        item.put("timestamps", timestamps);
        return item;
    }
}
