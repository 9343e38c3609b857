package io.trialgraph.service;

import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.MetricPoints;
import io.trialgraph.domain.MetricSummary;
import io.trialgraph.domain.ResourceExhaustedException;
import io.trialgraph.domain.Rules;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live curves: watchers name series (component and metric) and get the points stored after a
 * step, as they arrive. One background thread checks every {@value #INTERVAL_MS} ms, with one
 * summaries read for all watched series together, which of them grew, and reads only their new
 * points. It reads the graph, not this process's ingest, so points written through any replica
 * (or straight over Bolt) arrive too.
 */
@Singleton
public class MetricWatch {

    private static final Logger LOG = LoggerFactory.getLogger(MetricWatch.class);

    /** How often the watched series are checked. */
    public static final int INTERVAL_MS = 250;
    /** Series one watcher may follow. */
    public static final int MAX_SERIES = 100;
    /** Points one series sends at most per check; more are downsampled (M4) to this. */
    public static final int MAX_POINTS_PER_UPDATE = 2_000;

    /** Receives new points; called on the watch thread, so it must not block. */
    public interface Listener {

        /** New points of one series, all after the last step sent before. */
        void points(String component, String metric, MetricPoints points);

        /** The watch failed (e.g. Neo4j is unavailable); it goes on trying. */
        default void failed(RuntimeException failure) {}
    }

    /** One watcher's series and where each stands. */
    public final class Watch implements AutoCloseable {

        private final Listener listener;
        private final Map<String, Long> afterStep;
        private final Map<String, Long> seenCount = new HashMap<>();
        private final String metric;

        private Watch(List<String> components, String metric, Map<String, Long> afterStep, Listener listener) {
            this.metric = metric;
            this.listener = listener;
            this.afterStep = new LinkedHashMap<>();
            components.forEach(component -> this.afterStep.put(component, afterStep.getOrDefault(component, -1L)));
        }

        @Override
        public void close() {
            watches.remove(this);
        }
    }

    private final MetricService metrics;
    private final List<Watch> watches = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "trialgraph-metric-watch");
        thread.setDaemon(true);
        return thread;
    });

    MetricWatch(MetricService metrics) {
        this.metrics = metrics;
        timer.scheduleWithFixedDelay(this::check, INTERVAL_MS, INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts watching one metric of some components.
     *
     * @param afterStep per component, the last step the watcher has (-1 or absent: none)
     * @param maxWatches how many watches may be open at once
     * @throws InvalidArgumentException for unusable names, RESOURCE_EXHAUSTED when too many watches are open
     */
    public Watch watch(
            List<String> components, String metric, Map<String, Long> afterStep, int maxWatches, Listener listener) {
        if (components.isEmpty() || components.size() > MAX_SERIES) {
            throw new InvalidArgumentException(
                    "trial_component_names",
                    "must name 1 to " + MAX_SERIES + " components, names " + components.size());
        }
        for (int i = 0; i < components.size(); i++) {
            Rules.name("trial_component_names[" + i + "]", components.get(i));
        }
        MetricService.metricName("metric_name", metric);
        synchronized (watches) {
            if (watches.size() >= maxWatches) {
                throw new ResourceExhaustedException(
                        "live streams: " + watches.size() + " are open, the most the server allows (" + maxWatches
                                + ", trialgraph.http.max-live-streams); close one or try again later");
            }
            Watch watch = new Watch(components, metric, afterStep, listener);
            watches.add(watch);
            return watch;
        }
    }

    /** @return how many watches are open */
    public int openWatches() {
        return watches.size();
    }

    private void check() {
        if (watches.isEmpty()) {
            return;
        }
        Map<String, List<Watch>> byMetric = new HashMap<>();
        watches.forEach(watch ->
                byMetric.computeIfAbsent(watch.metric, m -> new ArrayList<>()).add(watch));
        byMetric.forEach((metric, group) -> {
            Set<String> components = new LinkedHashSet<>();
            group.forEach(watch -> components.addAll(watch.afterStep.keySet()));
            Map<String, MetricSummary> current = new HashMap<>();
            try {
                List<String> all = new ArrayList<>(components);
                for (int from = 0; from < all.size(); from += MetricService.MAX_SUMMARY_COMPONENTS) {
                    List<String> part =
                            all.subList(from, Math.min(all.size(), from + MetricService.MAX_SUMMARY_COMPONENTS));
                    metrics.summaries(part, List.of(metric))
                            .forEach(summary -> current.put(summary.component(), summary));
                }
            } catch (RuntimeException e) {
                LOG.debug("Metric watch could not read summaries", e);
                group.forEach(watch -> watch.listener.failed(e));
                return;
            }
            for (Watch watch : group) {
                // A copy: send() moves each component's step on.
                for (Map.Entry<String, Long> entry : List.copyOf(watch.afterStep.entrySet())) {
                    send(watch, entry.getKey(), entry.getValue(), current.get(entry.getKey()));
                }
            }
        });
    }

    private void send(Watch watch, String component, long after, MetricSummary summary) {
        if (summary == null || summary.count() == 0) {
            return;
        }
        Long seen = watch.seenCount.put(component, summary.count());
        if ((seen != null && seen == summary.count()) || summary.lastStep() <= after) {
            return;
        }
        try {
            MetricPoints points = metrics.read(component, watch.metric, after + 1, null, MAX_POINTS_PER_UPDATE)
                    .points();
            if (points.size() > 0) {
                watch.afterStep.put(component, points.step(points.size() - 1));
                watch.listener.points(component, watch.metric, points);
            }
        } catch (RuntimeException e) {
            watch.seenCount.remove(component);
            watch.listener.failed(e);
        }
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }
}
