package io.trialgraph.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.trialgraph.domain.InvalidArgumentException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The filter language's parser: the tree it builds, what it refuses and where, and its limits. No database. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FilterParserTest {

    private static Column column(String id) {
        return Column.parse("test", id);
    }

    private static String refusal(String filter) {
        InvalidArgumentException e =
                catchThrowableOfType(InvalidArgumentException.class, () -> FilterParser.parse(filter));
        assertThat(e)
                .as("filter %s is refused", filter.length() > 80 ? filter.substring(0, 80) + "..." : filter)
                .isNotNull();
        assertThat(e.field()).isEqualTo("filter");
        assertThat(e.getMessage()).hasSizeLessThan(400);
        return e.getMessage();
    }

    // --- what it builds ------------------------------------------------------------------------

    @Test
    void comparisonsOfEveryKindBecomeTypedNodes() {
        assertThat(FilterParser.parse("kind = \"training\""))
                .isEqualTo(new Filter.Compare(new Column.Fixed(FixedColumn.KIND), Filter.Op.EQ, "training"));
        assertThat(FilterParser.parse("params.epochs != 60"))
                .isEqualTo(new Filter.Compare(new Column.Param("epochs"), Filter.Op.NE, 60L));
        assertThat(FilterParser.parse("metrics.test_acc.last >= 0.8"))
                .isEqualTo(new Filter.Compare(new Column.Metric("test_acc", Stat.LAST), Filter.Op.GE, 0.8));
        assertThat(FilterParser.parse("params.augment = TRUE"))
                .isEqualTo(new Filter.Compare(new Column.Param("augment"), Filter.Op.EQ, true));
        assertThat(FilterParser.parse("params.opt IN ('adam', \"sgd\", 3)"))
                .isEqualTo(new Filter.In(new Column.Param("opt"), List.of("adam", "sgd", 3L)));
        assertThat(FilterParser.parse("name contains 'it\\'s'"))
                .isEqualTo(new Filter.Contains(new Column.Fixed(FixedColumn.NAME), "it's"));
        assertThat(FilterParser.parse("display_name STARTS with \"Al\""))
                .isEqualTo(new Filter.StartsWith(new Column.Fixed(FixedColumn.DISPLAY_NAME), "Al"));
        assertThat(FilterParser.parse("exists metrics.val_acc.max"))
                .isEqualTo(new Filter.Exists(new Column.Metric("val_acc", Stat.MAX)));
        assertThat(FilterParser.parse("start_time >= '2026-11-01'"))
                .isEqualTo(new Filter.Compare(new Column.Fixed(FixedColumn.START_TIME), Filter.Op.GE, "2026-11-01"));
    }

    @Test
    void notBindsTighterThanAndAndAndTighterThanOrAndChainsStayFlat() {
        Filter a = new Filter.Compare(column("params.a"), Filter.Op.EQ, 1L);
        Filter b = new Filter.Compare(column("params.b"), Filter.Op.EQ, 2L);
        Filter c = new Filter.Compare(column("params.c"), Filter.Op.EQ, 3L);
        Filter d = new Filter.Compare(column("params.d"), Filter.Op.EQ, 4L);
        assertThat(FilterParser.parse("params.a = 1 OR NOT params.b = 2 AND params.c = 3 AND params.d = 4"))
                .isEqualTo(new Filter.Any(List.of(a, new Filter.All(List.of(new Filter.Not(b), c, d)))));
        assertThat(FilterParser.parse("(params.a = 1 OR params.b = 2) AND params.c = 3"))
                .isEqualTo(new Filter.All(List.of(new Filter.Any(List.of(a, b)), c)));
        assertThat(FilterParser.parse("  ")).isNull();
    }

    // --- where it refuses ----------------------------------------------------------------------

    /** Asserts the refusal names one of the allowed 1-based positions. */
    private static void assertRefusedAt(String filter, int... positions) {
        String message = refusal(filter);
        assertThat(message).startsWith("filter: ").contains("position");
        boolean found = Arrays.stream(positions)
                .anyMatch(p -> Pattern.compile("position " + p + "(?![0-9])")
                        .matcher(message)
                        .find());
        assertThat(found)
                .as("'%s' names one of the positions %s", message, Arrays.toString(positions))
                .isTrue();
    }

    static Stream<Arguments> tokenErrors() {
        return Stream.of(
                Arguments.of("kind = \"x\" AND AND kind = \"y\"", "AND kind"),
                Arguments.of("kind = \"training\" params.epochs = 60", "params"),
                Arguments.of("params.epochs = 60 )", ")"),
                Arguments.of("kind @ \"x\"", "@"),
                Arguments.of("params.epochs IN 60", "60"),
                Arguments.of("EXISTS 5", "5"),
                Arguments.of("kind STARTS \"x\"", "\"x\""),
                Arguments.of("= 1", "="),
                Arguments.of("params.epochs = 60 AND OR kind = \"x\"", "OR"),
                Arguments.of("foo = 1", "foo"),
                Arguments.of("kind = \"t\" AND bogus_column > 2", "bogus_column"),
                Arguments.of("metrics.acc.median > 1", "metrics"),
                Arguments.of("trials = \"x\"", "trials"),
                Arguments.of("end_time > 5", "5"),
                Arguments.of("start_time = \"yesterday\"", "\"yesterday\""),
                Arguments.of("params.x = 1e999", "1e999"),
                Arguments.of("name CONTAINS 5", "5"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenErrors")
    void aRefusalNamesThePositionOfTheOffendingToken(String filter, String offending) {
        assertRefusedAt(filter, filter.indexOf(offending) + 1);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(
            strings = {
                "params.epochs = ",
                "(kind = \"x\"",
                "kind = \"a\" OR",
                "NOT",
                "params.epochs IN (1, 2",
                "params.epochs <"
            })
    void aFilterThatEndsTooSoonNamesTheEnd(String filter) {
        String message = refusal(filter);
        assertThat(message).contains("position " + (filter.length() + 1)).contains("the end of the filter");
    }

    @Test
    void doubledEqualsAndUnclosedStringsAreRefused() {
        assertRefusedAt("kind == 1", 6);
        assertThat(refusal("kind = \"unterminated")).contains("position 8").contains("not closed");
        assertThat(refusal("kind = 'unterminated")).contains("position 8");
    }

    @Test
    void unknownColumnsAndStatisticsAreNamed() {
        assertThat(refusal("foo = 1")).contains("'foo'");
        assertThat(refusal("metrics.test_acc.average > 1")).contains("average").contains("stat one of");
        assertThat(refusal("trials = \"x\"")).contains("not filtered");
    }

    @Test
    void echoedTokensAreQuotedShort() {
        String message = refusal("kind = 1 " + "x".repeat(3_000));
        assertThat(message).contains("(3000 characters)").hasSizeLessThan(300);
    }

    // --- limits --------------------------------------------------------------------------------

    @Test
    void aFilterLongerThanTheLengthLimitIsRefusedBeforeItIsRead() {
        assertThat(refusal("(".repeat(20_000)))
                .contains("at most 4096 characters")
                .contains("length limit")
                .contains("20000");
        String or = IntStream.range(0, 20_000).mapToObj(i -> "params.x = " + i).collect(Collectors.joining(" OR "));
        assertThat(refusal(or)).contains("length limit");
        assertThat(refusal("NOT ".repeat(200_000) + "kind = \"x\"")).contains("length limit");
        assertThat(FilterParser.parse("kind = \"" + "x".repeat(TableLimits.MAX_FILTER_LENGTH - 9) + "\""))
                .isNotNull();
    }

    @Test
    void nestingDeeperThanTheLimitIsRefusedWithoutDeepRecursion() {
        int limit = TableLimits.MAX_FILTER_DEPTH;
        String ok = "(".repeat(limit) + "kind = \"x\"" + ")".repeat(limit);
        assertThat(FilterParser.parse(ok)).isNotNull();
        String tooDeep = "(".repeat(limit + 1) + "kind = \"x\"" + ")".repeat(limit + 1);
        assertThat(refusal(tooDeep)).contains("nesting limit").contains("position " + (limit + 1));
        assertThat(refusal("(".repeat(2_000))).contains("nesting limit");
        assertThat(refusal("NOT ".repeat(1_000) + "kind = \"x\"")).contains("nesting limit");
        assertThat(refusal("(".repeat(40))).contains("nesting limit");
        assertThat(FilterParser.parse("NOT ".repeat(limit) + "kind = \"x\"")).isNotNull();
    }

    @Test
    void moreTermsThanTheLimitAreRefused() {
        int limit = TableLimits.MAX_FILTER_TERMS;
        String ok = IntStream.range(0, limit).mapToObj(i -> "params.x = " + i).collect(Collectors.joining(" OR "));
        assertThat(FilterParser.parse(ok)).isInstanceOf(Filter.Any.class);
        String tooMany = ok + " OR params.x = 1";
        assertThat(refusal(tooMany))
                .contains("more than " + limit + " conditions")
                .contains("term limit");
    }

    @Test
    void inListsLongerThanTheLimitAreRefused() {
        String values = IntStream.range(0, TableLimits.MAX_IN_VALUES + 1)
                .mapToObj(Integer::toString)
                .collect(Collectors.joining(","));
        assertThat(refusal("params.x IN (" + values + ")")).contains("IN list limit");
    }
}
