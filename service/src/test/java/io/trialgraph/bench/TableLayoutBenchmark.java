package io.trialgraph.bench;

import io.trialgraph.TrialGraphServer;
import io.trialgraph.analytics.Stat;
import io.trialgraph.analytics.StatsRow;
import io.trialgraph.neo4j.Neo4jConnection;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.neo4j.driver.AccessMode;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.Value;

/**
 * Where the analytics table's statistics should live: the alternatives measured side by side in
 * one database, each an experiment of 10,000 trials (a training job of 10 parameters and 6
 * metrics, and a metadata component in every trial) built straight in its layout:
 *
 * <ol>
 *   <li>{@code metric-nodes}: the statistics on each {@code :Metric} node only (the previous
 *       commit: a lookup per metric and row);
 *   <li>{@code component-properties}: also copied onto the component, a property per statistic;
 *   <li>{@code stats-node-properties}: copied onto one node beside the component, a property per
 *       statistic;
 *   <li>{@code stats-node-arrays}: copied onto one node beside the component as one array of
 *       values, with each metric's place in it (what the service does).
 * </ol>
 *
 * Each answers the benchmark's three requests (first page of 100 sorted by test_acc last, the
 * full table, filtered + best per optimizer; 17 columns) in Cypher straight through the driver,
 * timed in turn: p50 wall time and the process's CPU time per query. Then whether a row read while
 * writers rewrite it can mix two commits: 8 writers rewrite 8 rows (72 statistics each) as
 * properties, or as arrays, while 2 readers read them and count rows whose values disagree.
 *
 * <p>Run: {@code ./mvnw -q -pl service -am -Pbench -DskipTests verify -Dbench=layouts}.
 */
public final class TableLayoutBenchmark {

    private static final int TRIALS = Integer.getInteger("bench.trials", 10_000);
    private static final int RUNS = Integer.getInteger("bench.runs", 30);
    private static final long TEAR_SECONDS = Long.getLong("bench.tearSeconds", 30);
    private static final List<String> METRICS = List.of("loss", "acc", "val_loss", "val_acc", "test_loss", "test_acc");
    private static final List<String> LAYOUTS =
            List.of("metric-nodes", "component-properties", "stats-node-properties", "stats-node-arrays");

    private TableLayoutBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path data = BenchmarkSupport.temporaryFolder("trialgraph-bench-layouts");
        try (TrialGraphServer server = BenchmarkSupport.startServer(data, Map.of())) {
            Driver driver = server.context().getBean(Neo4jConnection.class).driver();
            for (String layout : LAYOUTS) {
                load(driver, layout);
            }
            Map<String, String> queries = new LinkedHashMap<>();
            for (String layout : LAYOUTS) {
                queries.put(layout + ": first page", query(layout, false));
                queries.put(layout + ": full table", query(layout, false));
                queries.put(layout + ": filtered + best per optimizer", query(layout, true));
            }
            Map<String, double[]> wall = new LinkedHashMap<>();
            Map<String, Long> cpu = new HashMap<>();
            queries.keySet().forEach(what -> wall.put(what, new double[RUNS]));
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            for (int i = -3; i < RUNS; i++) {
                for (Map.Entry<String, String> query : queries.entrySet()) {
                    String layout = query.getKey().substring(0, query.getKey().indexOf(':'));
                    int limit = query.getKey().endsWith("full table") ? 10_001 : 100;
                    long cpuStarted = os.getProcessCpuTime();
                    long started = System.nanoTime();
                    run(driver, query.getValue(), layout, limit);
                    if (i >= 0) {
                        wall.get(query.getKey())[i] = (System.nanoTime() - started) / 1e6;
                        cpu.merge(query.getKey(), os.getProcessCpuTime() - cpuStarted, Long::sum);
                    }
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "Layouts of the table's statistics, %,d trials each, Cypher through the driver, %d runs in turn%n",
                    TRIALS,
                    RUNS);
            System.out.printf(Locale.ROOT, "%-60s %9s %14s%n", "layout: request", "p50 ms", "CPU ms/query");
            wall.forEach((what, millis) -> System.out.printf(
                    Locale.ROOT,
                    "%-60s %9.1f %14.1f%n",
                    what,
                    BenchmarkSupport.median(millis),
                    cpu.get(what) / 1e6 / RUNS));
            tearing(driver, false);
            tearing(driver, true);
        } finally {
            BenchmarkSupport.delete(data);
        }
    }

    private static void load(Driver driver, String layout) {
        String[] optimizers = {"adam", "sgd", "rmsprop"};
        int[] epochs = {30, 60, 120};
        try (Session session = driver.session()) {
            session.run("CREATE (:Experiment {name: $e})", Map.of("e", layout)).consume();
            for (int from = 0; from < TRIALS; from += 500) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (int i = from; i < Math.min(TRIALS, from + 500); i++) {
                    Map<String, Object> params = new HashMap<>();
                    for (int p = 0; p < 10; p++) {
                        params.put(
                                "param.p" + p, p % 2 == 0 ? (Object) (long) (i % (p + 7)) : (Object) (i * 0.001 * p));
                    }
                    params.put("param.optimizer", optimizers[i % 3]);
                    params.put("param.epochs", (long) epochs[(i / 3) % 3]);
                    double quality = (i * 7919L % 1000) / 1000.0;
                    List<Map<String, Object>> metrics = new ArrayList<>();
                    Map<String, Object> properties = new HashMap<>();
                    List<Double> values = new ArrayList<>();
                    for (int m = 0; m < METRICS.size(); m++) {
                        Map<String, Object> stats = stats(quality + m * 0.01, m);
                        Map<String, Object> node = new HashMap<>(stats);
                        node.put("m2", 1.0);
                        node.put("firstTimestamp", 1L);
                        node.put("lastTimestamp", 2L);
                        node.put("chunks", 1L);
                        node.put("tail", new byte[120]);
                        node.put("tailCount", 10L);
                        metrics.add(Map.of("name", METRICS.get(m), "properties", node));
                        for (Stat stat : Stat.values()) {
                            properties.put(METRICS.get(m) + "." + stat.property(), stats.get(stat.property()));
                            values.add(((Number) stats.get(stat.property())).doubleValue());
                        }
                    }
                    Map<String, Object> row = new HashMap<>();
                    row.put("i", i);
                    row.put("params", params);
                    row.put("metrics", metrics);
                    row.put("component", prefixed(properties));
                    row.put("stats", properties);
                    row.put("values", values);
                    rows.add(row);
                }
                String copy = switch (layout) {
                    case "component-properties" -> "SET c += row.component";
                    case "stats-node-properties" -> "CREATE (c)-[:HAS_STATS]->(s:MetricStats) SET s += row.stats";
                    case "stats-node-arrays" ->
                        "CREATE (c)-[:HAS_STATS]->(s:MetricStats {names: $metrics, values: row.values}) SET s += $places";
                    default -> "";
                };
                session.executeWrite(tx -> tx.run(
                                """
                                MATCH (e:Experiment {name: $e})
                                UNWIND $rows AS row
                                CREATE (t:Trial {name: $e + '-trial-' + row.i})-[:IN_EXPERIMENT]->(e)
                                CREATE (c:TrialComponent {name: $e + '-job-' + row.i, kind: 'training', status: 'Completed'})
                                       -[:PART_OF]->(t)
                                SET c += row.params
                                WITH c, row
                                CALL (c, row) {
                                  UNWIND row.metrics AS metric
                                  CREATE (c)-[:HAS_METRIC]->(m:Metric {component: c.name, name: metric.name})
                                  SET m += metric.properties
                                }
                                """ + copy, Map.of("e", layout, "rows", rows, "metrics", METRICS, "places", places()))
                        .consume());
            }
            session.run("""
                            CREATE (m:TrialComponent {name: $e + '-experiment-metadata', kind: 'tracker'})
                            WITH m MATCH (t:Trial)-[:IN_EXPERIMENT]->(:Experiment {name: $e}) CREATE (m)-[:PART_OF]->(t)""", Map.of("e", layout)).consume();
        }
    }

    private static Map<String, Object> stats(double last, int m) {
        Map<String, Object> stats = new HashMap<>();
        stats.put("last", last);
        stats.put("min", m * 0.01);
        stats.put("max", last + 0.001);
        stats.put("mean", last / 2);
        stats.put("std", 0.1);
        stats.put("first", m * 0.01);
        stats.put("count", 1000L);
        stats.put("nonFiniteCount", 0L);
        stats.put("minStep", 0L);
        stats.put("maxStep", 999L);
        stats.put("firstStep", 0L);
        stats.put("lastStep", 999L);
        return stats;
    }

    private static Map<String, Object> places() {
        Map<String, Object> places = new HashMap<>();
        for (int m = 0; m < METRICS.size(); m++) {
            places.put(StatsRow.indexKey(METRICS.get(m)), (long) m);
        }
        return places;
    }

    private static Map<String, Object> prefixed(Map<String, Object> properties) {
        Map<String, Object> prefixed = new HashMap<>();
        properties.forEach((key, value) -> prefixed.put("metric." + key, value));
        return prefixed;
    }

    /** The request in a layout: 17 columns (name, 10 parameters, each metric's last) sorted by test_acc last. */
    private static String query(String layout, boolean filteredAndGrouped) {
        String stats;
        String read;
        switch (layout) {
            case "metric-nodes" -> {
                read = "OPTIONAL MATCH (m0:Metric {component: c.name, name: 'test_acc'}) WITH c, m0.last AS key\n";
                stats =
                        "COLLECT { MATCH (c)-[:HAS_METRIC]->(m:Metric) WHERE m.name IN $metrics RETURN [m.name, m.last] }";
            }
            case "component-properties" -> {
                read = "WITH c, c['metric.test_acc.last'] AS key\n";
                stats = "[name IN $metrics | c['metric.' + name + '.last']]";
            }
            case "stats-node-properties" -> {
                read = "OPTIONAL MATCH (c)-[:HAS_STATS]->(s:MetricStats) WITH c, s['test_acc.last'] AS key\n";
                stats = "[name IN $metrics | s[name + '.last']]";
            }
            default -> {
                read = "OPTIONAL MATCH (c)-[:HAS_STATS]->(s:MetricStats) WITH c, s, s.values AS sv\n"
                        + "WITH c, s, sv, sv[s['index.test_acc'] * " + StatsRow.WIDTH + "] AS key\n";
                stats = "[name IN $metrics | sv[s['index.' + name] * " + StatsRow.WIDTH + "]]";
            }
        }
        String carried = layout.equals("stats-node-arrays") ? "c, s, sv" : "c";
        String reread =
                layout.equals("stats-node-properties") ? "OPTIONAL MATCH (c)-[:HAS_STATS]->(s:MetricStats)\n" : "";
        String filter = !filteredAndGrouped
                ? ""
                : "WITH " + carried + ", key WHERE c.kind = 'training' AND c['param.epochs'] >= 60 AND key > 0.5\n"
                        + "WITH " + carried + ", key, c['param.optimizer'] AS grouped"
                        + " ORDER BY grouped, key IS NULL, key DESC, c.name\n"
                        + "WITH grouped, collect([" + carried + ", key])[0] AS best\n"
                        + "WITH best[0] AS c" + (carried.length() > 1 ? ", best[1] AS s, best[2] AS sv" : "")
                        + ", best[" + (carried.length() > 1 ? 3 : 1) + "] AS key\n";
        return "MATCH (:Experiment {name: $experiment})<-[:IN_EXPERIMENT]-(:Trial)<-[:PART_OF]-(c:TrialComponent)\n"
                + "WITH DISTINCT c\n" + read + filter
                + "WITH " + carried + ", key ORDER BY key IS NULL, key DESC, c.name\n"
                + "WITH collect([" + carried + "]) AS sorted\n"
                + "WITH size(sorted) AS total, sorted[0..$limit] AS page\n"
                + "UNWIND page AS r WITH total, r[0] AS c" + (carried.length() > 1 ? ", r[1] AS s, r[2] AS sv" : "")
                + "\n" + reread
                + "RETURN total, [c.name, c['param.p0'], c['param.p1'], c['param.p2'], c['param.p3'], c['param.p4'],"
                + " c['param.p5'], c['param.p6'], c['param.p7'], c['param.p8'], c['param.p9']] AS values, "
                + stats + " AS stats";
    }

    private static void run(Driver driver, String query, String layout, int limit) {
        try (Session session = driver.session(
                SessionConfig.builder().withDefaultAccessMode(AccessMode.READ).build())) {
            session.executeRead(tx -> {
                for (org.neo4j.driver.Record record : tx.run(
                                query, Map.of("experiment", layout, "limit", limit, "metrics", METRICS))
                        .list()) {
                    record.get("values").asList(Value::asObject);
                    record.get("stats").asList(Value::asObject);
                }
                return null;
            });
        }
    }

    /** 8 writers rewrite 8 rows, 2 readers count the rows they read that mix two commits. */
    private static void tearing(Driver driver, boolean arrays) throws InterruptedException {
        String label = arrays ? "TearArrays" : "TearProperties";
        try (Session session = driver.session()) {
            session.run("UNWIND range(0, 7) AS i CREATE (:" + label + " {i: i})")
                    .consume();
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong rows = new AtomicLong();
        AtomicLong mixed = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            int node = w;
            threads.add(new Thread(() -> {
                try (Session session = driver.session()) {
                    for (long version = 1; !stop.get(); version++) {
                        Map<String, Object> properties = new HashMap<>();
                        List<Double> values = new ArrayList<>();
                        for (int k = 0; k < 72; k++) {
                            properties.put("s" + k, (double) version);
                            values.add((double) version);
                        }
                        Map<String, Object> parameters = Map.of("i", node, "properties", properties, "values", values);
                        session.executeWrite(tx -> tx.run(
                                        arrays
                                                ? "MATCH (n:TearArrays {i: $i}) SET n.values = $values"
                                                : "MATCH (n:TearProperties {i: $i}) SET n += $properties",
                                        parameters)
                                .consume());
                    }
                }
            }));
        }
        for (int r = 0; r < 2; r++) {
            threads.add(new Thread(() -> {
                try (Session session = driver.session(SessionConfig.builder()
                        .withDefaultAccessMode(AccessMode.READ)
                        .build())) {
                    while (!stop.get()) {
                        List<org.neo4j.driver.Record> read = session.executeRead(tx -> tx.run(
                                        arrays
                                                ? "MATCH (n:TearArrays) WHERE n.values IS NOT NULL RETURN n.values AS v"
                                                : "MATCH (n:TearProperties) WHERE n.s0 IS NOT NULL"
                                                        + " RETURN [n.s0, n.s17, n.s35, n.s53, n.s71] AS v")
                                .list());
                        for (org.neo4j.driver.Record record : read) {
                            rows.incrementAndGet();
                            if (new HashSet<>(record.get("v").asList(Value::asObject)).size() > 1) {
                                mixed.incrementAndGet();
                            }
                        }
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        Thread.sleep(TEAR_SECONDS * 1000);
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        System.out.printf(
                Locale.ROOT,
                "Rows read while 8 writers rewrite them (%d s), statistics as %s: %,d read, %,d mixed two commits%n",
                TEAR_SECONDS,
                arrays ? "one array" : "72 properties",
                rows.get(),
                mixed.get());
    }
}
