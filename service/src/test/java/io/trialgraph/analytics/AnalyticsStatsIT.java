package io.trialgraph.analytics;

import static io.trialgraph.analytics.AnalyticsTestSupport.TIMEOUT_SECONDS;
import static io.trialgraph.testing.ApiFixtures.components;
import static io.trialgraph.testing.ApiFixtures.createComponent;
import static io.trialgraph.testing.ApiFixtures.createExperiment;
import static io.trialgraph.testing.ApiFixtures.createTrial;
import static io.trialgraph.testing.ApiFixtures.experiments;
import static io.trialgraph.testing.ApiFixtures.integer;
import static io.trialgraph.testing.ApiFixtures.number;
import static io.trialgraph.testing.ApiFixtures.trials;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.trialgraph.analytics.AnalyticsTestSupport.Table;
import io.trialgraph.api.v1.AssociateTrialComponentRequest;
import io.trialgraph.api.v1.DeleteTrialComponentRequest;
import io.trialgraph.api.v1.DisassociateTrialComponentRequest;
import io.trialgraph.api.v1.GetTableRequest;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.api.v1.LogParametersRequest;
import io.trialgraph.api.v1.MetricSeries;
import io.trialgraph.api.v1.ParameterValue;
import io.trialgraph.api.v1.TableRows;
import io.trialgraph.api.v1.TrialComponent;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.neo4j.SchemaMigrations;
import io.trialgraph.testing.IngestStream;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Session;

/**
 * The table's statistics are a copy (one MetricStats node per component, written in the
 * transaction that stores the points): after every kind of change, through the API and over
 * Bolt, the table must equal what the raw data says, worked out here from the points sent.
 */
@TrialGraphTest
class AnalyticsStatsIT {

    private static final String EXPERIMENT = "exact";
    private static final List<String> STATS = List.of(
            "last",
            "min",
            "max",
            "mean",
            "std",
            "first",
            "count",
            "non_finite_count",
            "min_step",
            "max_step",
            "first_step",
            "last_step");

    private record Point(long step, double value) {}

    private TestServer server;
    /** component -> metric -> points in the order sent */
    private final Map<String, Map<String, List<Point>>> points = new TreeMap<>();
    /** component -> parameters */
    private final Map<String, Map<String, Object>> parameters = new TreeMap<>();
    /** component -> its trials in the experiment */
    private final Map<String, TreeSet<String>> trialsOf = new TreeMap<>();

    private long sequence;

    @Test
    void theTableEqualsTheRawDataAfterIngestParameterUpdatesDeletionDisassociationAndBoltWrites(TestServer server) {
        this.server = server;
        TrialComponentServiceGrpc.TrialComponentServiceBlockingStub components = components(server, TIMEOUT_SECONDS);
        createExperiment(experiments(server, TIMEOUT_SECONDS), EXPERIMENT);
        for (String trial : List.of("t1", "t2", "t3")) {
            createTrial(trials(server, TIMEOUT_SECONDS), EXPERIMENT, trial);
        }
        component(components, "job-a", "training", List.of("t1"), Map.of("lr", number(0.1), "epochs", integer(10)));
        component(components, "job-b", "training", List.of("t2"), Map.of("lr", number(0.01)));
        component(components, "tracker", "tracker", List.of("t1", "t2", "t3"), Map.of("seed", integer(7)));

        // Interleaved ingest from two writers: batches of one or both jobs, steps out of order, a
        // step logged twice, NaN and infinity.
        IngestStream first = IngestStream.open(server.channel());
        IngestStream second = IngestStream.open(server.channel());
        for (int round = 0; round < 6; round++) {
            long base = 10L * (5 - round);
            ingest(
                    first,
                    "writer-1",
                    batch(
                            "job-a",
                            "loss",
                            List.of(new Point(base + 3, 1.0 / (round + 1)), new Point(base, 2.0 - round))),
                    batch("job-b", "acc", List.of(new Point(round, 0.1 * round), new Point(round, 0.15 * round))));
            ingest(
                    second,
                    "writer-2",
                    batch(
                            "job-a",
                            "acc",
                            List.of(
                                    new Point(round, round == 2 ? Double.NaN : 0.2 * round),
                                    new Point(round + 100, round == 4 ? Double.POSITIVE_INFINITY : -round))));
        }
        check();

        // Parameter updates, and more points after them.
        components.logParameters(LogParametersRequest.newBuilder()
                .setTrialComponentName("job-a")
                .putParameters("lr", number(0.2))
                .putParameters("batch", integer(64))
                .addRemoveParameters("epochs")
                .build());
        parameters.get("job-a").put("lr", 0.2);
        parameters.get("job-a").put("batch", 64L);
        parameters.get("job-a").remove("epochs");
        ingest(first, "writer-1", batch("job-a", "val_acc", List.of(new Point(7, 0.7), new Point(3, 0.3))));
        check();

        // Deleting a component takes its row (and its statistics node) away.
        components.deleteTrialComponent(
                DeleteTrialComponentRequest.newBuilder().setName("job-b").build());
        forget("job-b");
        check();
        assertThat(server.count("MATCH (s:MetricStats {component: 'job-b'}) RETURN count(s)"))
                .isZero();

        // Disassociated from its only trial, a job leaves the experiment's table; back in another
        // trial it returns with the same values.
        components.disassociateTrialComponent(DisassociateTrialComponentRequest.newBuilder()
                .setTrialComponentName("job-a")
                .setTrialName("t1")
                .build());
        trialsOf.get("job-a").remove("t1");
        check();
        components.associateTrialComponent(AssociateTrialComponentRequest.newBuilder()
                .setTrialComponentName("job-a")
                .setTrialName("t3")
                .build());
        trialsOf.get("job-a").add("t3");
        check();

        // Bolt writes to what the table reads directly (parameters, components, associations)
        // show at once.
        bolt("MATCH (c:TrialComponent {name: 'job-a'}) SET c.`param.lr` = 0.5");
        parameters.get("job-a").put("lr", 0.5);
        bolt("MATCH (t:Trial {name: 't2'}) CREATE (c:TrialComponent {name: 'job-d', kind: 'training',"
                + " status: 'InProgress', `param.lr`: 1})-[:PART_OF]->(t)");
        parameters.put("job-d", new TreeMap<>(Map.of("lr", 1L)));
        trialsOf.put("job-d", new TreeSet<>(List.of("t2")));
        points.put("job-d", new TreeMap<>());
        check();

        // A Bolt write to a Metric node bypasses the copy: the table keeps the values ingest
        // wrote until the repair statement (migration V0006, run again) rebuilds the copies.
        bolt("MATCH (m:Metric {component: 'job-a', name: 'acc'}) SET m.last = 123.0");
        Table stale = table(GetTableRequest.newBuilder().addColumns("name").addColumns("metrics.acc.last"));
        assertThat(stale.cell("job-a", "metrics.acc.last")).isEqualTo(expected("job-a", "acc", "last"));
        bolt(repairStatement());
        Table repaired = table(GetTableRequest.newBuilder().addColumns("name").addColumns("metrics.acc.last"));
        assertThat(repaired.cell("job-a", "metrics.acc.last")).isEqualTo(123.0);
        bolt(
                "MATCH (m:Metric {component: 'job-a', name: 'acc'}) SET m.last = $last",
                Map.of("last", expected("job-a", "acc", "last")));
        bolt(repairStatement());
        check();

        assertThat(first.complete().isOk()).isTrue();
        assertThat(second.complete().isOk()).isTrue();
    }

    /**
     * A database upgraded from before the statistics copy has :Metric nodes and no :MetricStats:
     * migration V0006 builds them, so the table shows the same values as for data ingested after it.
     */
    @Test
    void theMigrationBackfillsTheStatisticsOfDataWrittenBeforeIt(TestServer server) {
        this.server = server;
        TrialComponentServiceGrpc.TrialComponentServiceBlockingStub components = components(server, TIMEOUT_SECONDS);
        createExperiment(experiments(server, TIMEOUT_SECONDS), "upgraded");
        createTrial(trials(server, TIMEOUT_SECONDS), "upgraded", "upgraded-1");
        component(components, "old-job", "training", List.of("upgraded-1"), Map.of("lr", number(0.1)));
        component(components, "old-idle", "training", List.of("upgraded-1"), Map.of());
        IngestStream stream = IngestStream.open(server.channel());
        ingest(
                stream,
                "upgrade-writer",
                batch("old-job", "loss", List.of(new Point(5, 0.5), new Point(1, 2.0), new Point(3, Double.NaN))),
                batch("old-job", "acc", List.of(new Point(0, 0.1), new Point(9, 0.9))));
        assertThat(stream.complete().isOk()).isTrue();
        GetTableRequest.Builder request = GetTableRequest.newBuilder()
                .setExperimentName("upgraded")
                .addColumns("name")
                .addColumns("metrics.acc.max");
        for (String stat : STATS) {
            request.addColumns("metrics.loss." + stat);
        }
        Table ingested = AnalyticsTestSupport.table(AnalyticsTestSupport.analytics(server), request);
        assertThat(ingested.cell("old-job", "metrics.loss.last")).isEqualTo(0.5);

        // The database as the previous version left it: the copies and the records of V0006 and later gone.
        bolt("MATCH (c:TrialComponent)-[:HAS_STATS]->(s:MetricStats) WHERE c.name STARTS WITH 'old-' DETACH DELETE s");
        bolt("MATCH (m:__Neo4jMigration) WHERE m.version =~ '[0-9]+' AND m.version >= '0006' DETACH DELETE m");
        assertThat(AnalyticsTestSupport.table(AnalyticsTestSupport.analytics(server), request)
                        .cell("old-job", "metrics.loss.last"))
                .isNull();

        server.server().context().getBean(SchemaMigrations.class).apply();
        assertThat(AnalyticsTestSupport.table(AnalyticsTestSupport.analytics(server), request))
                .isEqualTo(ingested);
        assertThat(server.count("MATCH (s:MetricStats {component: 'old-idle'}) RETURN count(s)"))
                .isZero();
    }

    private void component(
            TrialComponentServiceGrpc.TrialComponentServiceBlockingStub components,
            String name,
            String kind,
            List<String> trialNames,
            Map<String, ParameterValue> parameterValues) {
        createComponent(
                components,
                TrialComponent.newBuilder()
                        .setName(name)
                        .setKind(kind)
                        .addAllTrialNames(trialNames)
                        .putAllParameters(parameterValues));
        Map<String, Object> plain = new TreeMap<>();
        parameterValues.forEach((key, value) -> plain.put(key, AnalyticsTestSupport.value(value)));
        parameters.put(name, plain);
        trialsOf.put(name, new TreeSet<>(trialNames));
        points.put(name, new TreeMap<>());
    }

    private void forget(String component) {
        parameters.remove(component);
        trialsOf.remove(component);
        points.remove(component);
    }

    private MetricSeries batch(String component, String metric, List<Point> sent) {
        MetricSeries.Builder series =
                MetricSeries.newBuilder().setTrialComponentName(component).setMetricName(metric);
        for (Point p : sent) {
            series.addSteps(p.step()).addValues(p.value());
        }
        points.get(component).computeIfAbsent(metric, m -> new ArrayList<>()).addAll(sent);
        return series.build();
    }

    private void ingest(IngestStream stream, String writer, MetricSeries... series) {
        long batch = ++sequence;
        IngestMetricsRequest.Builder request =
                IngestMetricsRequest.newBuilder().setWriterId(writer).setSequence(batch);
        for (MetricSeries s : series) {
            request.addSeries(s);
        }
        stream.send(request.build());
        assertThat(stream.awaitAck(batch).stream()
                        .flatMap(r -> r.getRejectedBatchesList().stream())
                        .toList())
                .isEmpty();
    }

    private void bolt(String cypher) {
        bolt(cypher, Map.of());
    }

    private void bolt(String cypher, Map<String, Object> parameters) {
        try (Session session = server.neo4j().driver().session()) {
            session.run(cypher, parameters).consume();
        }
    }

    private static String repairStatement() {
        try (InputStream in =
                AnalyticsStatsIT.class.getResourceAsStream("/neo4j/migrations/V0006__Metric_stats_backfill.cypher")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.substring(text.indexOf("MATCH"), text.lastIndexOf(';'));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Table table(GetTableRequest.Builder request) {
        return AnalyticsTestSupport.table(
                AnalyticsTestSupport.analytics(server),
                request.setExperimentName(EXPERIMENT).setPageSize(1000));
    }

    /** Every row and column of the default table, and of the rows per trial, against the raw data. */
    private void check() {
        Table table = table(GetTableRequest.newBuilder());
        List<String> expectedNames = new ArrayList<>();
        trialsOf.forEach((component, trials) -> {
            if (!trials.isEmpty()) {
                expectedNames.add(component);
            }
        });
        assertThat(table.names()).containsExactlyElementsOf(expectedNames);
        for (String component : expectedNames) {
            assertThat(table.cell(component, "trials")).isEqualTo(String.join(",", trialsOf.get(component)));
            for (String column : table.columns()) {
                Object cell = table.cell(component, column);
                if (column.startsWith("params.")) {
                    assertThat(cell)
                            .as("%s %s", component, column)
                            .isEqualTo(parameters.get(component).get(column.substring("params.".length())));
                } else if (column.startsWith("metrics.")) {
                    String metric = column.substring("metrics.".length(), column.lastIndexOf('.'));
                    String stat = column.substring(column.lastIndexOf('.') + 1);
                    Object expected = expected(component, metric, stat);
                    if (expected instanceof Double value && cell instanceof Double actual && Double.isFinite(value)) {
                        assertThat(actual)
                                .as("%s %s", component, column)
                                .isCloseTo(value, within(1e-9 * Math.max(1, Math.abs(value))));
                    } else {
                        assertThat(cell).as("%s %s", component, column).isEqualTo(expected);
                    }
                }
            }
        }
        // The copy equals the Metric nodes it comes from, everywhere.
        assertThat(server.count("""
                        MATCH (c:TrialComponent)-[:HAS_METRIC]->(m:Metric)
                        OPTIONAL MATCH (c)-[:HAS_STATS]->(s:MetricStats)
                        WITH m, s, [i IN range(0, size(coalesce(s.names, [])) - 1) WHERE s.names[i] = m.name][0] AS i
                        WHERE i IS NULL OR s.values[i * 12 .. i * 12 + 12] <> [m.last, m.min, m.max, m.mean, m.std,
                              m.first, m.count, m.nonFiniteCount, m.minStep, m.maxStep, m.firstStep, m.lastStep]
                        RETURN count(*)""")).as("metrics whose copy differs").isZero();

        // Rows per trial: each trial's training job and tracker under their kind.
        Table perTrial = table(GetTableRequest.newBuilder()
                .setRows(TableRows.TABLE_ROWS_TRIALS)
                .addColumns("name")
                .addColumns("training.name")
                .addColumns("tracker.params.seed")
                .addColumns("training.params.lr")
                .addColumns("training.metrics.acc.max"));
        assertThat(perTrial.names()).containsExactly("t1", "t2", "t3");
        for (String trial : List.of("t1", "t2", "t3")) {
            String job = trialsOf.entrySet().stream()
                    .filter(e -> !e.getKey().equals("tracker") && e.getValue().contains(trial))
                    .map(Map.Entry::getKey)
                    .findFirst()
                    .orElse(null);
            assertThat(perTrial.cell(trial, "training.name")).as(trial).isEqualTo(job);
            assertThat(perTrial.cell(trial, "tracker.params.seed")).isEqualTo(7L);
            assertThat(perTrial.cell(trial, "training.params.lr"))
                    .isEqualTo(job == null ? null : parameters.get(job).get("lr"));
            assertThat(perTrial.cell(trial, "training.metrics.acc.max"))
                    .isEqualTo(job == null ? null : expected(job, "acc", "max"));
        }
    }

    /** A statistic of the points sent, as the table shows it (null when the metric does not exist). */
    private Object expected(String component, String metric, String stat) {
        List<Point> sent = points.getOrDefault(component, Map.of()).get(metric);
        if (sent == null) {
            return null;
        }
        Map<String, Object> s = new LinkedHashMap<>();
        long count = sent.size();
        long nonFinite = sent.stream().filter(p -> !Double.isFinite(p.value())).count();
        List<Point> finite =
                sent.stream().filter(p -> Double.isFinite(p.value())).toList();
        Point first = sent.get(0);
        Point last = sent.get(0);
        for (Point p : sent) {
            if (p.step() < first.step()) {
                first = p;
            }
            if (p.step() >= last.step()) {
                last = p;
            }
        }
        Point min = null;
        Point max = null;
        double sum = 0;
        for (Point p : finite) {
            if (min == null || p.value() < min.value() || (p.value() == min.value() && p.step() < min.step())) {
                min = p;
            }
            if (max == null || p.value() > max.value() || (p.value() == max.value() && p.step() < max.step())) {
                max = p;
            }
            sum += p.value();
        }
        double mean = finite.isEmpty() ? 0.0 : sum / finite.size();
        double squares = 0;
        for (Point p : finite) {
            squares += (p.value() - mean) * (p.value() - mean);
        }
        s.put("last", last.value());
        s.put("min", min == null ? Double.NaN : min.value());
        s.put("max", max == null ? Double.NaN : max.value());
        s.put("mean", mean);
        s.put("std", finite.size() < 2 ? 0.0 : Math.sqrt(squares / (finite.size() - 1)));
        s.put("first", first.value());
        s.put("count", count);
        s.put("non_finite_count", nonFinite);
        s.put("min_step", min == null ? 0L : min.step());
        s.put("max_step", max == null ? 0L : max.step());
        s.put("first_step", first.step());
        s.put("last_step", last.step());
        assertThat(s.keySet()).containsExactlyElementsOf(STATS);
        return s.get(stat);
    }
}
