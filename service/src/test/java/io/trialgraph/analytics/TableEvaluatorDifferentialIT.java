package io.trialgraph.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.trialgraph.store.AnalyticsStore;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Session;

/**
 * The row store's evaluator ({@link TableEvaluator} over {@link TableRows}) against the compiled
 * Cypher ({@link TableCypher}) on the same graph: generated filters, sorts, groupings, columns and
 * pages, each answered both ways, must give identical pages. The seed mixes what makes semantics
 * differ: parameters of several types under one name (numbers, strings, booleans), integers and
 * floats that are equal, NaN and infinities, missing values, strings whose code point order is
 * not their UTF-16 order, times with and without offsets, metrics some rows lack.
 */
@TrialGraphTest
class TableEvaluatorDifferentialIT {

    private static final String EXPERIMENT = "differential";
    private static final int ROWS = 60;
    private static final int REQUESTS = 500;

    private static final List<Object> NUMBERS = List.of(
            0L, 1L, 2L, -1L, 2.0, 0.5, 1.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
    private static final List<Object> STRINGS =
            List.of("adam", "Adam", "sgd", "", "é", "\uD83D\uDE00x", "\uFFFDy", "ad", "a\"b");
    private static final List<Object> FILTER_VALUES = List.of(
            0L,
            1L,
            2L,
            -1L,
            2.0,
            0.5,
            1e300,
            -1e300,
            "adam",
            "a",
            "",
            "é",
            "\uD83D\uDE00",
            "\uFFFD",
            "sgd",
            true,
            false);
    private static final List<String> TIMES = List.of(
            "2026-11-01T00:00:00Z",
            "2026-11-01T01:00:00+01:00",
            "2026-11-01T00:30:00",
            "2026-11-01",
            "2026-10-31T23:59:59.999Z",
            "2026-11-02");

    private static final List<Column> COLUMNS = List.of(
            new Column.Fixed(FixedColumn.NAME),
            new Column.Fixed(FixedColumn.DISPLAY_NAME),
            new Column.Fixed(FixedColumn.KIND),
            new Column.Fixed(FixedColumn.STATUS),
            new Column.Fixed(FixedColumn.STATUS_MESSAGE),
            new Column.Fixed(FixedColumn.START_TIME),
            new Column.Fixed(FixedColumn.END_TIME),
            new Column.Fixed(FixedColumn.EXPERIMENT),
            new Column.Param("lr"),
            new Column.Param("opt"),
            new Column.Param("flag"),
            new Column.Param("n"),
            new Column.Param("absent"),
            new Column.Metric("acc", Stat.LAST),
            new Column.Metric("acc", Stat.MAX),
            new Column.Metric("acc", Stat.COUNT),
            new Column.Metric("loss", Stat.MIN),
            new Column.Metric("loss", Stat.LAST_STEP),
            new Column.Metric("nosuch", Stat.MEAN));

    private TestServer server;
    private AnalyticsStore store;

    @BeforeEach
    void seed(TestServer server) {
        this.server = server;
        this.store = server.server().context().getBean(AnalyticsStore.class);
        Random random = new Random(16);
        List<Map<String, Object>> components = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            Map<String, Object> c = new HashMap<>();
            String[] prefixes = {"c", "C", "é", "\uD83D\uDE00", "\uFFFD", "c-"};
            c.put("name", prefixes[i % prefixes.length] + (i % 7) + "-" + i);
            c.put("trials", i % 5 == 0 ? List.of("diff-t1", "diff-t2") : List.of("diff-t" + (i % 3)));
            c.put("other", i % 4 == 0);
            Map<String, Object> props = new HashMap<>();
            maybe(random, props, "kind", pick(random, List.of("training", "evaluation", "Training", "")));
            maybe(random, props, "status", pick(random, List.of("Completed", "Failed", "InProgress")));
            maybe(random, props, "displayName", pick(random, STRINGS));
            maybe(random, props, "statusMessage", pick(random, List.of("ok", "out of memory", "")));
            maybe(random, props, "startTime", time(random));
            maybe(random, props, "endTime", time(random));
            maybe(random, props, "param.lr", pick(random, List.of(0.1, 0.01, 1L, 1.0, 0.5, "0.1")));
            maybe(
                    random,
                    props,
                    "param.opt",
                    pick(random, List.of("adam", "sgd", "Adam", "é", "\uD83D\uDE00x", 1L, true)));
            maybe(random, props, "param.flag", pick(random, List.of(true, false)));
            maybe(random, props, "param.n", pick(random, NUMBERS));
            c.put("props", props);
            List<String> names = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            for (String metric : List.of("acc", "loss")) {
                if (random.nextInt(4) > 0) {
                    names.add(metric);
                    for (int s = 0; s < StatsRow.WIDTH; s++) {
                        values.add(((Number) pick(random, NUMBERS)).doubleValue());
                    }
                }
            }
            Map<String, Object> stats = new HashMap<>();
            if (!names.isEmpty() || random.nextBoolean()) {
                stats.put(StatsRow.NAMES, names);
                stats.put(StatsRow.VALUES, values);
                for (int m = 0; m < names.size(); m++) {
                    stats.put(StatsRow.indexKey(names.get(m)), (long) m);
                }
            }
            c.put("stats", stats.isEmpty() ? null : stats);
            components.add(c);
        }
        try (Session session = server.neo4j().driver().session()) {
            session.run("""
                            CREATE (e:Experiment {name: $experiment}), (o:Experiment {name: $experiment + '-other'})
                            WITH e, o
                            UNWIND ['diff-t0', 'diff-t1', 'diff-t2'] AS trial
                            CREATE (:Trial {name: trial})-[:IN_EXPERIMENT]->(e)
                            WITH DISTINCT o
                            CREATE (:Trial {name: 'diff-other'})-[:IN_EXPERIMENT]->(o)""", Map.of("experiment", EXPERIMENT)).consume();
            session.run("""
                            UNWIND $components AS row
                            CREATE (c:TrialComponent {name: row.name})
                            SET c += row.props
                            WITH c, row
                            CALL (c, row) {
                              UNWIND row.trials AS trial
                              MATCH (t:Trial {name: trial})
                              CREATE (c)-[:PART_OF]->(t)
                            }
                            CALL (c, row) {
                              WITH c, row WHERE row.other
                              MATCH (t:Trial {name: 'diff-other'})
                              CREATE (c)-[:PART_OF]->(t)
                            }
                            CALL (c, row) {
                              WITH c, row WHERE row.stats IS NOT NULL
                              CREATE (c)-[:HAS_STATS]->(s:MetricStats {component: c.name})
                              SET s += row.stats
                            }""", Map.of("components", components)).consume();
        }
    }

    @Test
    void everyGeneratedRequestGetsTheSamePageBothWays() {
        TableRows rows = TableRows.of(store.rowsOfExperiment(EXPERIMENT, null).orElseThrow());
        assertThat(rows.size()).isEqualTo(ROWS);
        Random random = new Random(23);
        int nonEmpty = 0;
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            Table.Query query = query(random);
            Table.Page computed = store.page(query).page();
            List<Column> columns = query.columns().isEmpty() ? rows.present().defaultColumns() : query.columns();
            Table.Page evaluated = TableEvaluator.page(rows, query, columns);
            if (!evaluated.equals(computed)) {
                mismatches.add(
                        "request " + i + ": " + query + "\n computed:  " + computed + "\n evaluated: " + evaluated);
            }
            if (!computed.rows().isEmpty()) {
                nonEmpty++;
            }
        }
        assertThat(mismatches)
                .as(
                        "%d of %d requests differ; the first ones:\n%s",
                        mismatches.size(),
                        REQUESTS,
                        String.join("\n", mismatches.subList(0, Math.min(6, mismatches.size()))))
                .isEmpty();
        // The generator must exercise real answers, not only empty ones.
        assertThat(nonEmpty).isGreaterThan(REQUESTS / 3);
    }

    private static Table.Query query(Random random) {
        List<Column> columns = new ArrayList<>();
        if (random.nextInt(5) > 0) {
            int n = 1 + random.nextInt(8);
            for (int i = 0; i < n; i++) {
                columns.add(random.nextInt(10) == 0 ? new Column.Fixed(FixedColumn.TRIALS) : pick(random, COLUMNS));
            }
        }
        Filter filter = random.nextInt(6) == 0 ? null : filter(random, 0);
        List<Table.Sort> sort = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            sort.add(new Table.Sort(pick(random, COLUMNS), random.nextBoolean()));
        }
        Column groupBy = random.nextInt(3) == 0 ? pick(random, COLUMNS) : null;
        int offset = random.nextInt(3) == 0 ? random.nextInt(40) : 0;
        int limit = 1 + random.nextInt(70);
        return new Table.Query(
                Table.Scope.ofExperiment(EXPERIMENT),
                Table.Rows.COMPONENTS,
                columns,
                filter,
                sort,
                groupBy,
                offset,
                limit);
    }

    private static Filter filter(Random random, int depth) {
        int choice = random.nextInt(depth >= 3 ? 5 : 8);
        Column column = pick(random, COLUMNS);
        return switch (choice) {
            case 0, 1 -> new Filter.Compare(column, pick(random, List.of(Filter.Op.values())), value(random, column));
            case 2 -> {
                List<Object> values = new ArrayList<>();
                for (int i = 1 + random.nextInt(3); i > 0; i--) {
                    values.add(value(random, column));
                }
                yield new Filter.In(column, values);
            }
            case 3 ->
                random.nextBoolean()
                        ? new Filter.Contains(column, text(random, column))
                        : new Filter.StartsWith(column, text(random, column));
            case 4 -> new Filter.Exists(column);
            case 5 -> new Filter.Not(filter(random, depth + 1));
            case 6 -> new Filter.All(List.of(filter(random, depth + 1), filter(random, depth + 1)));
            default ->
                new Filter.Any(
                        List.of(filter(random, depth + 1), filter(random, depth + 1), filter(random, depth + 1)));
        };
    }

    private static Object value(Random random, Column column) {
        return column.isTime() ? pick(random, TIMES) : pick(random, FILTER_VALUES);
    }

    private static String text(Random random, Column column) {
        return column.isTime() ? pick(random, TIMES) : (String) pick(random, STRINGS);
    }

    private static ZonedDateTime time(Random random) {
        return ZonedDateTime.of(2026, 10, 31, 23, 0, 0, 0, ZoneOffset.UTC)
                .plusMinutes(30L * random.nextInt(6))
                .plusNanos(random.nextInt(3) == 0 ? 999_000_000L : 0L);
    }

    private static void maybe(Random random, Map<String, Object> props, String key, Object value) {
        if (random.nextInt(5) > 0) {
            props.put(key, value);
        }
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
