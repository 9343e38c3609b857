package io.trialgraph.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.PageTokens;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The checks of a table request (columns, sort, group_by, paging, scope, limits), all before any database call. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TableRequestsTest {

    private static final Table.Scope SCOPE = new Table.Scope("cifar10", null, null);

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
    void tooManyColumnsSortKeysOrMetricsAreRefusedUpFront() {
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
        String metrics = IntStream.range(0, TableLimits.MAX_METRICS + 1)
                .mapToObj(i -> "metrics.m" + i + ".last > 0")
                .collect(Collectors.joining(" AND "));
        assertThat(refusal(() -> check(List.of(), metrics, List.of(), "", 0, "")))
                .startsWith("filter: ")
                .contains("metric limit")
                .contains((TableLimits.MAX_METRICS + 1) + " distinct metrics");
        String ok = IntStream.range(0, TableLimits.MAX_METRICS)
                .mapToObj(i -> "metrics.m" + i + ".last > 0")
                .collect(Collectors.joining(" AND "));
        assertThat(check(List.of(), ok, List.of("metrics.m0.max"), "metrics.m1.min", 0, "")
                        .filter())
                .isNotNull();
        assertThat(refusal(() -> check(List.of(), ok, List.of("metrics.other.max"), "", 0, "")))
                .contains("metric limit");
    }

    @Test
    void scopes() {
        assertThat(refusal(() -> TableRequests.check(null, List.of(), "", List.of(), List.of(), "", 0, "")))
                .startsWith("scope: ");
        assertThat(refusal(() -> TableRequests.check(
                        new Table.Scope(null, List.of(), null), List.of(), "", List.of(), List.of(), "", 0, "")))
                .startsWith("trial_names: ");
        List<String> tooMany = Collections.nCopies(TableLimits.MAX_TRIALS + 1, "t");
        assertThat(refusal(() -> TableRequests.check(
                        new Table.Scope(null, tooMany, null), List.of(), "", List.of(), List.of(), "", 0, "")))
                .startsWith("trial_names: ");
        assertThat(refusal(() -> TableRequests.check(
                        new Table.Scope("my exp", null, null), List.of(), "", List.of(), List.of(), "", 0, "")))
                .startsWith("experiment_name: ");
    }
}
