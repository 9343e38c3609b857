package io.trialgraph.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.PageTokens;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The checks of a table request (columns, sort, group_by, paging, scope, limits), all before any database call. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TableRequestsTest {

    private static final Table.Scope SCOPE = Table.Scope.ofExperiment("cifar10");

    private static Table.Query check(
            List<String> columns, String filter, List<String> sort, String groupBy, int pageSize, String token) {
        return TableRequests.check(
                SCOPE, columns, filter, sort, Collections.nCopies(sort.size(), true), groupBy, pageSize, token);
    }

    private static String refusal(Runnable request) {
        InvalidArgumentException e = catchThrowableOfType(InvalidArgumentException.class, request::run);
        assertThat(e).as("refused").isNotNull();
        assertThat(e.getMessage()).hasSizeLessThan(400);
        return e.getMessage();
    }

    @Test
    void aValidRequestIsParsedOnce() {
        Table.Query query = check(
                List.of("name", "params.epochs", "metrics.test_acc.last"),
                "params.epochs = 60",
                List.of("metrics.test_acc.last"),
                "params.epochs",
                0,
                "");
        assertThat(query.columns())
                .containsExactly(
                        new Column.Fixed(FixedColumn.NAME),
                        new Column.Param("epochs"),
                        new Column.Metric("test_acc", Stat.LAST));
        assertThat(query.sort()).containsExactly(new Table.Sort(new Column.Metric("test_acc", Stat.LAST), true));
        assertThat(query.groupBy()).isEqualTo(new Column.Param("epochs"));
        assertThat(query.limit()).isEqualTo(TableLimits.DEFAULT_PAGE_SIZE);
        assertThat(query.offset()).isZero();
    }

    @Test
    void unknownColumnsAreNamedWithTheirField() {
        assertThat(refusal(() -> check(List.of("bogus"), "", List.of(), "", 0, "")))
                .startsWith("columns[0]: ")
                .contains("'bogus'");
        assertThat(refusal(() -> check(List.of("name", "params.epochs", "nonsense"), "", List.of(), "", 0, "")))
                .startsWith("columns[2]: ")
                .contains("nonsense");
        assertThat(refusal(() -> check(List.of("name", "metrics.test_acc.median"), "", List.of(), "", 0, "")))
                .startsWith("columns[1]: ")
                .contains("median");
        assertThat(refusal(() -> check(List.of(), "", List.of("name", "metrics.test_acc.median"), "", 0, "")))
                .startsWith("sort[1].column: ")
                .contains("median");
        assertThat(refusal(() -> check(List.of(), "", List.of(), "metrics.test_acc.avg", 0, "")))
                .startsWith("group_by: ")
                .contains("avg");
        assertThat(refusal(() -> check(List.of(), "", List.of("trials"), "", 0, "")))
                .startsWith("sort[0].column: ")
                .contains("not filtered, sorted or grouped");
        assertThat(refusal(() -> check(List.of("params." + "k".repeat(20_000)), "", List.of(), "", 0, "")))
                .startsWith("columns[0]: ")
                .contains("has 20000");
    }

    @Test
    void pageSizesAndTokens() {
        assertThat(refusal(() -> check(List.of(), "", List.of(), "", 10_001, "")))
                .startsWith("page_size: ");
        assertThat(refusal(() -> check(List.of(), "", List.of(), "", -1, ""))).startsWith("page_size: ");
        assertThat(check(List.of(), "", List.of(), "", 10_000, "").limit()).isEqualTo(10_000);
        assertThat(check(List.of(), "", List.of(), "", 0, TableRequests.token(200))
                        .offset())
                .isEqualTo(200);
        assertThat(refusal(() -> check(List.of(), "", List.of(), "", 0, "not-a-token!")))
                .startsWith("page_token: ");
        assertThat(refusal(() -> check(List.of(), "", List.of(), "", 0, PageTokens.encode("lineage", "0:x"))))
                .startsWith("page_token: ");
    }

    @Test
    void anEditedTokenIsRefused() {
        String token = TableRequests.token(100);
        byte[] bytes = Base64.getUrlDecoder().decode(token);
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] edited = text.replace("100", "900").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(edited);
        assertThat(forged).isNotEqualTo(token);
        assertThat(refusal(() -> check(List.of(), "", List.of(), "", 0, forged)))
                .startsWith("page_token: ");
        // The old, unchecked form: base64 of "table1:5".
        String old = Base64.getUrlEncoder().withoutPadding().encodeToString("table1:5".getBytes());
        assertThat(refusal(() -> check(List.of(), "", List.of(), "", 0, old))).startsWith("page_token: ");
    }

    @Test
    void tooManyColumnsOrSortKeysAreRefusedUpFront() {
        List<String> columns =
                IntStream.range(0, 10_001).mapToObj(i -> "params.p" + i).toList();
        assertThat(refusal(() -> check(columns, "", List.of(), "", 0, "")))
                .startsWith("columns: ")
                .contains("column limit")
                .contains("10001");
        List<String> sort = IntStream.range(0, TableLimits.MAX_SORT_KEYS + 1)
                .mapToObj(i -> "params.p" + i)
                .toList();
        assertThat(refusal(() -> check(List.of(), "", sort, "", 0, "")))
                .startsWith("sort: ")
                .contains("sort key limit");
        // Metric statistics are properties of one node beside the component: a filter may read many.
        String metrics = IntStream.range(0, 20)
                .mapToObj(i -> "metrics.m" + i + ".last > 0")
                .collect(Collectors.joining(" AND "));
        assertThat(check(List.of(), metrics, List.of("metrics.m0.max"), "metrics.m1.min", 0, "")
                        .filter())
                .isNotNull();
    }

    @Test
    void rowsPerTrialNameTheirKindsAndAtMostTheKindLimit() {
        Table.Query query = TableRequests.check(
                SCOPE,
                Table.Rows.TRIALS,
                List.of("name", "experiment", "training.params.epochs", "data.prep.metrics.rows.count"),
                "training.metrics.test_acc.last > 0.5 AND tracker.params.optimizer = 'adam'",
                List.of("training.metrics.val_acc.max"),
                List.of(true),
                "tracker.params.epochs",
                0,
                "");
        assertThat(query.columns())
                .containsExactly(
                        new Column.Fixed(FixedColumn.NAME),
                        new Column.Fixed(FixedColumn.EXPERIMENT),
                        new Column.OfKind("training", new Column.Param("epochs")),
                        new Column.OfKind("data.prep", new Column.Metric("rows", Stat.COUNT)));
        assertThat(TableCypher.kindsRead(query.filter(), query.sort(), query.groupBy()))
                .containsExactly("training", "tracker");

        assertThat(refusal(() -> TableRequests.check(
                        SCOPE, Table.Rows.TRIALS, List.of("kind"), "", List.of(), List.of(), "", 0, "")))
                .startsWith("columns[0]: unknown column 'kind': a row per trial has [name, display_name, experiment]");
        assertThat(refusal(() -> TableRequests.check(
                        SCOPE, Table.Rows.TRIALS, List.of(), "training.trials = 'x'", List.of(), List.of(), "", 0, "")))
                .startsWith("filter: at position 1: unknown column 'training.trials'");
        List<String> kinds = IntStream.range(0, TableLimits.MAX_KINDS + 1)
                .mapToObj(i -> "kind" + i + ".name")
                .toList();
        assertThat(refusal(() ->
                        TableRequests.check(SCOPE, Table.Rows.TRIALS, kinds, "", List.of(), List.of(), "", 0, "")))
                .startsWith("columns: ")
                .contains("kind limit")
                .contains((TableLimits.MAX_KINDS + 1) + " distinct component kinds");
    }

    @Test
    void scopes() {
        assertThat(refusal(() -> TableRequests.check(null, List.of(), "", List.of(), List.of(), "", 0, "")))
                .startsWith("scope: ");
        assertThat(refusal(() -> TableRequests.check(
                        Table.Scope.ofTrials(List.of()), List.of(), "", List.of(), List.of(), "", 0, "")))
                .startsWith("trial_names: ");
        List<String> tooMany = Collections.nCopies(TableLimits.MAX_TRIALS + 1, "t");
        assertThat(refusal(() -> TableRequests.check(
                        Table.Scope.ofTrials(tooMany), List.of(), "", List.of(), List.of(), "", 0, "")))
                .startsWith("trial_names: ");
        assertThat(refusal(() -> TableRequests.check(
                        Table.Scope.ofExperiment("my exp"), List.of(), "", List.of(), List.of(), "", 0, "")))
                .startsWith("experiment_name: ");
        assertThat(refusal(() -> TableRequests.check(
                        Table.Scope.ofDataset("not a uri"), List.of(), "", List.of(), List.of(), "", 0, "")))
                .startsWith("dataset_uri: must be a URI");
        assertThat(refusal(() -> TableRequests.check(
                        Table.Scope.ofExperimentTags(Map.of()), List.of(), "", List.of(), List.of(), "", 0, "")))
                .startsWith("experiment_tags: needs 1 to " + TableLimits.MAX_TAGS + " tags, has 0");
        assertThat(refusal(() -> TableRequests.check(
                        Table.Scope.ofExperimentTags(Map.of("bad key", "x")),
                        List.of(),
                        "",
                        List.of(),
                        List.of(),
                        "",
                        0,
                        "")))
                .startsWith("experiment_tags[bad key]: ");
    }
}
