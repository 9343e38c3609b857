package io.trialgraph.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The compiler from a checked request to Cypher: request text only ever travels as parameters. No database. */
class TableCypherTest {

    private static Table.Query query(String filter, List<String> sort, String groupBy) {
        return TableRequests.check(
                new Table.Scope("cifar10", null, null),
                List.of(),
                filter,
                sort,
                sort.stream().map(s -> true).toList(),
                groupBy,
                50,
                TableRequests.token(100));
    }

    private static final List<Column> COLUMNS = List.of(
            new Column.Fixed(FixedColumn.NAME),
            new Column.Fixed(FixedColumn.TRIALS),
            new Column.Param("epochs"),
            new Column.Metric("test_acc", Stat.LAST),
            new Column.Metric("test_acc", Stat.MAX),
            new Column.Metric("loss", Stat.LAST));

    @Test
    void valuesNamesAndMetricsAreParametersNeverQueryText() {
        String evil = "x'}) DETACH DELETE c //";
        Table.Query query = query(
                "params.epochs = 60 AND kind = \"" + evil + "\" AND metrics.test_acc.last > 0.8"
                        + " AND params.opt IN ('adam', 'sgd') AND NOT EXISTS params.seed",
                List.of("metrics.loss.min"),
                "params.epochs");
        TableCypher.PageStatements page = TableCypher.page(query, COLUMNS);
        String text = page.rows().text();
        assertThat(text)
                .doesNotContain(evil)
                .doesNotContain("epochs")
                .doesNotContain("test_acc")
                .doesNotContain("adam")
                .doesNotContain("cifar10");
        Map<String, Object> parameters = page.rows().parameters();
        assertThat(parameters)
                .containsValues(
                        evil, "param.epochs", 60L, "test_acc", "loss", List.of("adam", "sgd"), 0.8, "cifar10", 100, 50);
        assertThat(text)
                .contains("OPTIONAL MATCH (m0:Metric {component: c.name, name: $m0})")
                .contains("OPTIONAL MATCH (m1:Metric {component: c.name, name: $m1})")
                .contains("(m0.last > $v")
                .contains("IS NOT NULL")
                .contains("collect({c: c, m0: m0, m1: m1})[0] AS best")
                .contains("m1.min IS NULL, m1.min DESC, c.name");
        assertThat(page.count().text()).endsWith("RETURN count(*) AS total");
    }

    @Test
    void timesCompareAsDatetimes() {
        Table.Query query =
                query("start_time >= \"2026-11-01\" AND end_time IN ('2026-11-02T00:00:00Z')", List.of(), "");
        String text = TableCypher.page(query, COLUMNS).rows().text();
        assertThat(text).contains("c.startTime >= datetime($v").contains("c.endTime IN [t IN $v");
    }

    @Test
    void theLayoutPutsEachMetricStatisticInItsColumn() {
        TableCypher.PageStatements page = TableCypher.page(query("", List.of(), ""), COLUMNS);
        assertThat(page.layout().shownStats()).containsExactly(Stat.LAST, Stat.MAX);
        List<Object> row =
                page.layout().row(List.of("job-1", "t1,t2", 60L), Map.of("test_acc", List.of("test_acc", 0.9, 0.95)));
        assertThat(row).containsExactly("job-1", "t1,t2", 60L, 0.9, 0.95, null);
    }

    @Test
    void theDefaultColumnsShowEveryParameterAndEveryStatisticOfEveryMetric() {
        List<Column> columns = new Table.Present(List.of("epochs", "opt"), List.of("loss")).defaultColumns();
        assertThat(columns.stream().map(Column::id).toList())
                .startsWith(
                        "name",
                        "kind",
                        "status",
                        "trials",
                        "params.epochs",
                        "params.opt",
                        "metrics.loss.last",
                        "metrics.loss.min")
                .hasSize(4 + 2 + Stat.values().length);
    }

    @Test
    void metricsReadCountsEachMetricOnce() {
        Table.Query query = query(
                "metrics.a.last > 1 AND metrics.a.max > 2 OR metrics.b.min < 0",
                List.of("metrics.c.last"),
                "metrics.a.first");
        assertThat(TableCypher.metricsRead(query.filter(), query.sort(), query.groupBy()))
                .containsExactly("a", "b", "c");
    }
}
