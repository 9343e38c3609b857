package io.trialgraph.analytics;

import static io.trialgraph.analytics.AnalyticsTestSupport.asc;
import static io.trialgraph.analytics.AnalyticsTestSupport.desc;
import static io.trialgraph.analytics.AnalyticsTestSupport.exportCsv;
import static io.trialgraph.analytics.AnalyticsTestSupport.ingest;
import static io.trialgraph.analytics.AnalyticsTestSupport.table;
import static io.trialgraph.testing.ApiFixtures.components;
import static io.trialgraph.testing.ApiFixtures.createComponent;
import static io.trialgraph.testing.ApiFixtures.createExperiment;
import static io.trialgraph.testing.ApiFixtures.createTrial;
import static io.trialgraph.testing.ApiFixtures.experiments;
import static io.trialgraph.testing.ApiFixtures.failure;
import static io.trialgraph.testing.ApiFixtures.integer;
import static io.trialgraph.testing.ApiFixtures.trials;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.trialgraph.analytics.AnalyticsTestSupport.Point;
import io.trialgraph.analytics.AnalyticsTestSupport.Table;
import io.trialgraph.api.v1.AnalyticsServiceGrpc;
import io.trialgraph.api.v1.GetTableRequest;
import io.trialgraph.api.v1.TrialComponent;
import io.trialgraph.api.v1.TrialNames;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Requests GetTable and ExportTableCsv must refuse, and what the refusal says. */
@TrialGraphTest
class AnalyticsErrorsIT {

    private static final String EXPERIMENT = "errors";

    private TestServer server;

    @BeforeEach
    void seed(TestServer server) {
        this.server = server;
        createExperiment(experiments(server, 60), EXPERIMENT);
        createTrial(trials(server, 60), EXPERIMENT, "errors-1");
        createComponent(components(server, 60), TrialComponent.newBuilder().setName("errors-job").setKind("training")
                .addTrialNames("errors-1").putParameters("epochs", integer(60)));
        ingest(server, Map.of("errors-job", Map.of("test_acc", List.of(new Point(0, 0.5), new Point(1, 0.6)))));
    }

    private AnalyticsServiceGrpc.AnalyticsServiceBlockingStub analytics() {
        return AnalyticsTestSupport.analytics(server);
    }

    private static GetTableRequest.Builder request() {
        return GetTableRequest.newBuilder().setExperimentName(EXPERIMENT);
    }

    private String invalid(GetTableRequest.Builder request) {
        StatusRuntimeException e = failure(() -> analytics().getTable(request.build()), Status.Code.INVALID_ARGUMENT);
        String description = e.getStatus().getDescription();
        assertThat(description).as("description of %s", e.getStatus()).isNotNull();
        return description;
    }

    /**
     * Asserts a parse error: INVALID_ARGUMENT, a description that starts with "filter: " and
     * mentions "position" with one of the allowed 1-based positions (as a whole number).
     */
    private void assertParseError(String filter, int... allowedPositions) {
        String description = invalid(request().setFilter(filter));
        assertThat(description).as("filter %s", filter).startsWith("filter: ").contains("position");
        boolean found = Arrays.stream(allowedPositions)
                .anyMatch(p -> Pattern.compile("(?<![0-9])" + p + "(?![0-9])").matcher(description).find());
        assertThat(found).as("description '%s' of filter '%s' names one of the positions %s", description, filter,
                Arrays.toString(allowedPositions)).isTrue();
        // ExportTableCsv validates the same way.
        failure(() -> exportCsv(analytics(), request().setFilter(filter).build()), Status.Code.INVALID_ARGUMENT);
    }

    private static int at(String filter, String token) {
        int index = filter.indexOf(token);
        assertThat(index).as("%s in %s", token, filter).isNotNegative();
        return index + 1;
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
                Arguments.of("params.epochs = 60 AND OR kind = \"x\"", "OR"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenErrors")
    void parseErrorNamesThePositionOfTheOffendingToken(String filter, String offending) {
        assertParseError(filter, at(filter, offending));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"params.epochs = ", "(kind = \"x\"", "kind = \"a\" OR", "NOT", "params.epochs IN (1, 2",
            "params.epochs <"})
    void parseErrorAtTheEndNamesTheEndOfTheInput(String filter) {
        // The offending token is the end of the input: its position is one past the last
        // character (of the text or of the text without trailing blanks); an unclosed
        // parenthesis may instead be reported where it opens.
        int trimmed = filter.stripTrailing().length();
        assertParseError(filter, trimmed + 1, filter.length() + 1, filter.length(), filter.startsWith("(") ? 1 : trimmed + 1);
    }

    @Test
    void doubledEqualsIsAParseError() {
        // "==" may be one bad token (position 6) or "=" followed by an unexpected "=" (position 7).
        assertParseError("kind == 1", 6, 7);
    }

    @Test
    void unterminatedStringIsAParseError() {
        String filter = "kind = \"unterminated";
        assertParseError(filter, 8, filter.length(), filter.length() + 1);
        String single = "kind = 'unterminated";
        assertParseError(single, 8, single.length(), single.length() + 1);
    }

    @Test
    void unknownColumnInFilterIsNamed() {
        assertThat(invalid(request().setFilter("foo = 1"))).startsWith("filter: ").contains("foo");
        assertThat(invalid(request().setFilter("kind = \"training\" AND bogus_column > 2"))).startsWith("filter: ")
                .contains("bogus_column");
    }

    @Test
    void unknownStatisticInFilterIsNamed() {
        assertThat(invalid(request().setFilter("metrics.acc.median > 1"))).startsWith("filter: ").contains("median");
        assertThat(invalid(request().setFilter("metrics.test_acc.average > 1"))).startsWith("filter: ").contains("average");
    }

    @Test
    void unknownColumnsAreNamedWithTheirIndex() {
        assertThat(invalid(request().addColumns("bogus"))).startsWith("columns[0]: ").contains("bogus");
        assertThat(invalid(request().addColumns("name").addColumns("params.epochs").addColumns("nonsense")))
                .startsWith("columns[2]: ").contains("nonsense");
        assertThat(invalid(request().addColumns("name").addColumns("metrics.test_acc.median")))
                .startsWith("columns[1]: ").contains("median");
    }

    @Test
    void unknownSortColumnsAreNamedWithTheirIndex() {
        assertThat(invalid(request().addSort(desc("nope")))).startsWith("sort[0].column: ").contains("nope");
        assertThat(invalid(request().addSort(asc("name")).addSort(desc("metrics.test_acc.median"))))
                .startsWith("sort[1].column: ").contains("median");
    }

    @Test
    void unknownGroupByIsNamed() {
        assertThat(invalid(request().setGroupBy("nope"))).startsWith("group_by: ").contains("nope");
        assertThat(invalid(request().setGroupBy("metrics.test_acc.avg"))).startsWith("group_by: ").contains("avg");
    }

    @Test
    void badPageSizes() {
        assertThat(invalid(request().setPageSize(10_001))).startsWith("page_size: ");
        assertThat(invalid(request().setPageSize(-1))).startsWith("page_size: ");
        assertThat(table(analytics(), request().setPageSize(10_000)).rows()).hasSize(1);
    }

    @Test
    void garbagePageTokenIsInvalid() {
        invalid(request().setPageToken("not-a-token!"));
    }

    @Test
    void unknownExperimentIsNotFound() {
        StatusRuntimeException e = failure(() -> analytics().getTable(GetTableRequest.newBuilder()
                .setExperimentName("no-such-study").build()), Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).contains("no-such-study");

        StatusRuntimeException export = failure(() -> exportCsv(analytics(), GetTableRequest.newBuilder()
                .setExperimentName("no-such-study").build()), Status.Code.NOT_FOUND);
        assertThat(export.getStatus().getDescription()).contains("no-such-study");
    }

    @Test
    void unknownTrialInScopeIsNotFound() {
        StatusRuntimeException e = failure(() -> analytics().getTable(GetTableRequest.newBuilder()
                .setTrialNames(TrialNames.newBuilder().addNames("errors-1").addNames("ghost-trial")).build()),
                Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).contains("ghost-trial");
    }

    @Test
    void missingScopeIsInvalid() {
        failure(() -> analytics().getTable(GetTableRequest.newBuilder().addColumns("name").build()),
                Status.Code.INVALID_ARGUMENT);
        failure(() -> exportCsv(analytics(), GetTableRequest.getDefaultInstance()), Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void trialNamesMustHoldOneToAThousandNames() {
        failure(() -> analytics().getTable(GetTableRequest.newBuilder().setTrialNames(TrialNames.getDefaultInstance())
                .build()), Status.Code.INVALID_ARGUMENT);
        TrialNames tooMany = TrialNames.newBuilder()
                .addAllNames(IntStream.rangeClosed(1, 1001).mapToObj(i -> "errors-1").toList()).build();
        failure(() -> analytics().getTable(GetTableRequest.newBuilder().setTrialNames(tooMany).build()),
                Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void validRequestsOnTheSameDataSucceed() {
        // The counterpart of the refusals above: the same columns spelled right are accepted.
        Table table = table(analytics(), request().addColumns("name").addColumns("metrics.test_acc.last")
                .addColumns("params.epochs").setFilter("params.epochs = 60").addSort(desc("metrics.test_acc.last"))
                .setGroupBy("params.epochs"));
        assertThat(table.names()).containsExactly("errors-job");
        assertThat(table.values("metrics.test_acc.last")).containsExactly(0.6);
    }

    @Test
    void anEmptyExperimentHasAnEmptyTable() {
        createExperiment(experiments(server, 60), "empty");
        Table table = table(analytics(), GetTableRequest.newBuilder().setExperimentName("empty"));
        assertThat(table.rows()).isEmpty();
        assertThat(table.totalRows()).isZero();
        assertThat(table.nextPageToken()).isEmpty();
        assertThat(table.columns()).contains("name", "kind", "status", "trials");
    }
}
