package io.trialgraph.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The compiler from a checked request to Cypher: request text only ever travels as parameters. No database. */
class TableCypherTest {

    private static Table.Query query(String filter, List<String> sort, String groupBy) {
        return TableRequests.check(
                Table.Scope.ofExperiment("cifar10"),
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
                        evil,
                        "param.epochs",
                        60L,
                        "index.test_acc",
                        "index.loss",
                        List.of("adam", "sgd"),
                        0.8,
                        "cifar10",
                        100,
                        50);
        // Statistics are read once per row from the stats node beside it (values, then names),
        // carried to the page with the row; sort keys are projected once.
        assertThat(text)
                .contains("OPTIONAL MATCH (c)-[:HAS_STATS]->(s:MetricStats)\nWITH *, s.values AS sv\n"
                        + "WITH *, CASE WHEN sv IS NULL THEN null ELSE [s[$i")
                .doesNotContain(":Metric {")
                .contains("(sv[si[0] * 12 + 0] > $v")
                .contains("IS NOT NULL")
                .contains("collect([c, s, sv, si])[0] AS best")
                .contains("AS k0_ ORDER BY k0_ IS NULL, k0_ DESC, c.name")
                .contains("WITH collect([c, s, sv, si]) AS sorted");
        assertThat(page.count().text()).endsWith("RETURN count(*) AS total");
    }

    @Test
    void rowsPerTrialReadTheirKindsAsParameters() {
        Table.Query query = TableRequests.check(
                Table.Scope.ofExperiment("cifar10"),
                Table.Rows.TRIALS,
                List.of("name", "experiment", "training.params.epochs", "tracker.name"),
                "training.metrics.test_acc.last > 0.8 AND evil.kind.name = 'a'",
                List.of("training.metrics.test_acc.last"),
                List.of(true),
                "",
                50,
                "");
        String text = TableCypher.page(query, query.columns()).rows().text();
        assertThat(text)
                .doesNotContain("training")
                .doesNotContain("tracker")
                .doesNotContain("evil")
                .contains("MATCH (:Experiment {name: $experiment})<-[:IN_EXPERIMENT]-(t:Trial)\nWITH DISTINCT t")
                .contains("COLLECT { MATCH (t)<-[:PART_OF]-(c:TrialComponent {kind: $kind0})")
                .contains("head([x IN kind0 WHERE x[2][x[1][$i");
        assertThat(TableCypher.page(query, query.columns()).rows().parameters())
                .containsValues("training", "evil.kind", "tracker");
    }

    @Test
    void datasetAndTagScopesAreParameters() {
        String dataset = TableCypher.page(
                        TableRequests.check(
                                Table.Scope.ofDataset("s3://bucket/train"),
                                List.of(),
                                "",
                                List.of(),
                                List.of(),
                                "",
                                0,
                                ""),
                        COLUMNS)
                .rows()
                .text();
        assertThat(dataset).startsWith("MATCH (:Artifact {uri: $dataset})-[:CONSUMED_BY]->(c:TrialComponent)");
        TableCypher.PageStatements tagged = TableCypher.page(
                TableRequests.check(
                        Table.Scope.ofExperimentTags(Map.of("dataset", "cifar10")),
                        List.of(),
                        "",
                        List.of(),
                        List.of(),
                        "",
                        0,
                        ""),
                COLUMNS);
        assertThat(tagged.rows().text()).doesNotContain("cifar10").contains("e['tag.' + key] = $tags[key]");
        assertThat(tagged.rows().parameters()).containsEntry("tags", Map.of("dataset", "cifar10"));
    }

    @Test
    void timesCompareAsDatetimes() {
        Table.Query query =
                query("start_time >= \"2026-11-01\" AND end_time IN ('2026-11-02T00:00:00Z')", List.of(), "");
        String text = TableCypher.page(query, COLUMNS).rows().text();
        assertThat(text).contains("c.startTime >= datetime($v").contains("c.endTime IN [iso IN $v");
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
    void kindsReadCountsEachKindOnce() {
        Table.Query query = TableRequests.check(
                Table.Scope.ofExperiment("cifar10"),
                Table.Rows.TRIALS,
                List.of(),
                "a.metrics.x.last > 1 AND a.params.y > 2 OR b.name = 'z'",
                List.of("c.metrics.x.last"),
                List.of(false),
                "a.params.epochs",
                0,
                "");
        assertThat(TableCypher.kindsRead(query.filter(), query.sort(), query.groupBy()))
                .containsExactly("a", "b", "c");
    }
}
