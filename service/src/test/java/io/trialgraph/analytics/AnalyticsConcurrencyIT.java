package io.trialgraph.analytics;

import static io.trialgraph.analytics.AnalyticsTestSupport.TIMEOUT_SECONDS;
import static io.trialgraph.testing.ApiFixtures.components;
import static io.trialgraph.testing.ApiFixtures.createComponent;
import static io.trialgraph.testing.ApiFixtures.createExperiment;
import static io.trialgraph.testing.ApiFixtures.createTrial;
import static io.trialgraph.testing.ApiFixtures.experiments;
import static io.trialgraph.testing.ApiFixtures.trials;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.trialgraph.analytics.AnalyticsTestSupport.Table;
import io.trialgraph.api.v1.AnalyticsServiceGrpc;
import io.trialgraph.api.v1.GetTableRequest;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.api.v1.MetricSeries;
import io.trialgraph.api.v1.TableRows;
import io.trialgraph.api.v1.TrialComponent;
import io.trialgraph.testing.IngestStream;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The table read again and again while eight writers stream into the same experiment: every row
 * of every answer must be one committed state of its component. Each batch adds the next
 * {@value #STEPS} steps to two metrics at once ("up": the step, "down": minus the step), so a
 * committed state is "n steps of both", and a row that mixed two commits (one metric from one,
 * the other from the next, or two statistics of one metric from different commits) breaks one of
 * the identities checked.
 */
@TrialGraphTest
class AnalyticsConcurrencyIT {

    private static final int WRITERS = 8;
    private static final int BATCHES = 30;
    private static final int STEPS = 40;

    @Test
    void everyRowOfEveryAnswerIsACommittedStateWhileEightWritersStream(TestServer server) throws Exception {
        createExperiment(experiments(server, TIMEOUT_SECONDS), "live");
        for (int w = 0; w < WRITERS; w++) {
            createTrial(trials(server, TIMEOUT_SECONDS), "live", "trial-" + w);
            createComponent(
                    components(server, TIMEOUT_SECONDS),
                    TrialComponent.newBuilder()
                            .setName("job-" + w)
                            .setKind("training")
                            .addTrialNames("trial-" + w));
        }
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            writers.add(pool.submit(() -> stream(server, writer)));
        }
        AnalyticsServiceGrpc.AnalyticsServiceBlockingStub analytics = AnalyticsTestSupport.analytics(server);
        Map<String, Long> seen = new HashMap<>();
        int reads = 0;
        try {
            boolean done;
            do {
                done = writers.stream().allMatch(Future::isDone);
                checkComponentRows(analytics, seen);
                checkTrialRows(analytics);
                reads++;
            } while (!done);
        } finally {
            pool.shutdown();
        }
        for (Future<?> writer : writers) {
            writer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        assertThat(pool.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(seen.values()).as("the last read sees every batch").containsOnly((long) BATCHES * STEPS);
        assertThat(reads).isGreaterThan(1);
    }

    private static void stream(TestServer server, int writer) {
        IngestStream stream = IngestStream.open(server.channel());
        for (int batch = 1; batch <= BATCHES; batch++) {
            MetricSeries.Builder up = MetricSeries.newBuilder()
                    .setTrialComponentName("job-" + writer)
                    .setMetricName("up");
            MetricSeries.Builder down = MetricSeries.newBuilder()
                    .setTrialComponentName("job-" + writer)
                    .setMetricName("down");
            for (long step = (long) (batch - 1) * STEPS; step < (long) batch * STEPS; step++) {
                up.addSteps(step).addValues(step);
                down.addSteps(step).addValues(-step);
            }
            stream.send(IngestMetricsRequest.newBuilder()
                    .setWriterId("writer-" + writer)
                    .setSequence(batch)
                    .addSeries(up)
                    .addSeries(down)
                    .build());
            assertThat(stream.awaitAck(batch).stream()
                            .flatMap(r -> r.getRejectedBatchesList().stream())
                            .toList())
                    .isEmpty();
        }
        assertThat(stream.complete().isOk()).isTrue();
    }

    /** Sorted by up.last (largest first): each row one commit, in the order of the values shown. */
    private static void checkComponentRows(
            AnalyticsServiceGrpc.AnalyticsServiceBlockingStub analytics, Map<String, Long> seen) {
        Table table = AnalyticsTestSupport.table(
                analytics,
                GetTableRequest.newBuilder()
                        .setExperimentName("live")
                        .addColumns("name")
                        .addColumns("metrics.up.count")
                        .addColumns("metrics.up.last")
                        .addColumns("metrics.up.max_step")
                        .addColumns("metrics.up.mean")
                        .addColumns("metrics.down.count")
                        .addColumns("metrics.down.last")
                        .addColumns("metrics.down.min")
                        .addSort(AnalyticsTestSupport.desc("metrics.up.last")));
        assertThat(table.totalRows()).isEqualTo(WRITERS);
        Double previous = Double.POSITIVE_INFINITY;
        for (List<Object> row : table.rows()) {
            String name = (String) row.get(0);
            Long count = (Long) row.get(1);
            if (count == null) {
                assertThat(row.subList(1, row.size())).as(name).containsOnlyNulls();
                previous = null;
                continue;
            }
            assertCommitted(name, count, (Double) row.get(2), (Double) row.get(6), (Long) row.get(5));
            assertThat((Long) row.get(3)).as(name).isEqualTo(count - 1);
            assertThat((Double) row.get(4)).as(name).isCloseTo((count - 1) / 2.0, within(1e-6));
            assertThat((Double) row.get(7)).as(name).isEqualTo(-(count - 1.0));
            assertThat(previous).as("rows in the order of the values shown").isNotNull();
            assertThat((Double) row.get(2)).as(name).isLessThanOrEqualTo(previous);
            previous = (Double) row.get(2);
            assertThat(count).as("%s never goes back", name).isGreaterThanOrEqualTo(seen.getOrDefault(name, 0L));
            seen.put(name, count);
        }
    }

    private static void checkTrialRows(AnalyticsServiceGrpc.AnalyticsServiceBlockingStub analytics) {
        Table table = AnalyticsTestSupport.table(
                analytics,
                GetTableRequest.newBuilder()
                        .setExperimentName("live")
                        .setRows(TableRows.TABLE_ROWS_TRIALS)
                        .addColumns("name")
                        .addColumns("training.metrics.up.count")
                        .addColumns("training.metrics.up.last")
                        .addColumns("training.metrics.down.last")
                        .addColumns("training.metrics.down.count")
                        .setFilter("EXISTS training.metrics.up.count"));
        for (List<Object> row : table.rows()) {
            assertCommitted((String) row.get(0), (Long) row.get(1), (Double) row.get(2), (Double) row.get(3), (Long)
                    row.get(4));
        }
    }

    /** n steps of both metrics, as one batch after another leaves them. */
    private static void assertCommitted(String row, long count, double upLast, double downLast, long downCount) {
        assertThat(count % STEPS).as("%s: whole batches", row).isZero();
        assertThat(count).as(row).isBetween((long) STEPS, (long) BATCHES * STEPS);
        assertThat(upLast).as("%s up.last", row).isEqualTo(count - 1.0);
        assertThat(downCount).as("%s down.count", row).isEqualTo(count);
        assertThat(downLast).as("%s down.last", row).isEqualTo(-(count - 1.0));
    }
}
