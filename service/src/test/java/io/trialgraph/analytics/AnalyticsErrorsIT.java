package io.trialgraph.analytics;

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
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
        createComponent(
                components(server, 60),
                TrialComponent.newBuilder()
                        .setName("errors-job")
                        .setKind("training")
                        .addTrialNames("errors-1")
                        .putParameters("epochs", integer(60)));
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

    // The filter language's and the request's rules are unit-tested without a server
    // (FilterParserTest, TableRequestsTest); these check that they reach the caller as
    // INVALID_ARGUMENT, for GetTable and ExportTableCsv alike.

    @Test
    void aFilterThatDoesNotParseNamesThePosition() {
        String filter = "kind = \"training\" params.epochs = 60";
        assertThat(invalid(request().setFilter(filter))).startsWith("filter: ").contains("position 19");
        failure(() -> exportCsv(analytics(), request().setFilter(filter).build()), Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void unknownColumnsAreNamedWithTheirField() {
        assertThat(invalid(request().addColumns("name").addColumns("nonsense")))
                .startsWith("columns[1]: ")
                .contains("nonsense");
        assertThat(invalid(request().addSort(desc("nope"))))
                .startsWith("sort[0].column: ")
                .contains("nope");
        assertThat(invalid(request().setGroupBy("metrics.test_acc.avg")))
                .startsWith("group_by: ")
                .contains("avg");
        assertThat(invalid(request().setFilter("foo = 1")))
                .startsWith("filter: ")
                .contains("foo");
    }

    @Test
    void requestsPastTheLimitsAreRefusedQuicklyAndTheServerGoesOn() {
        // Each would have overflowed the parser's stack or run into the deadline before the limits.
        long started = System.nanoTime();
        assertThat(invalid(request().setFilter("(".repeat(20_000)))).contains("length limit");
        assertThat(invalid(request().setFilter("NOT ".repeat(200_000) + "kind = 1")))
                .contains("length limit");
        assertThat(invalid(request().setFilter("(".repeat(40) + "kind = 1" + ")".repeat(40))))
                .contains("nesting limit");
        assertThat(invalid(request()
                        .addAllColumns(IntStream.range(0, 10_001)
                                .mapToObj(i -> "params.p" + i)
                                .toList())))
                .startsWith("columns: ")
                .contains("column limit");
        String key = "k".repeat(20_000);
        assertThat(invalid(request().addColumns("params." + key))).hasSizeLessThan(300);
        assertThat(invalid(request().setFilter("params.x = 1 AND " + key + " = 2")))
                .hasSizeLessThan(300);
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started))
                .as("bounds a hang only")
                .isLessThan(java.time.Duration.ofSeconds(60));
        assertThat(table(analytics(), request().addColumns("name")).names()).containsExactly("errors-job");
    }

    @Test
    void badPageSizes() {
        assertThat(invalid(request().setPageSize(10_001))).startsWith("page_size: ");
        assertThat(invalid(request().setPageSize(-1))).startsWith("page_size: ");
        assertThat(table(analytics(), request().setPageSize(10_000)).rows()).hasSize(1);
    }

    @Test
    void garbageOrEditedPageTokensAreInvalid() {
        assertThat(invalid(request().setPageToken("not-a-token!"))).startsWith("page_token: ");
        String oldStyle = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("table1:5".getBytes());
        assertThat(invalid(request().setPageToken(oldStyle))).startsWith("page_token: ");
    }

    @Test
    void unknownExperimentIsNotFound() {
        StatusRuntimeException e = failure(
                () -> analytics()
                        .getTable(GetTableRequest.newBuilder()
                                .setExperimentName("no-such-study")
                                .build()),
                Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).contains("no-such-study");

        StatusRuntimeException export = failure(
                () -> exportCsv(
                        analytics(),
                        GetTableRequest.newBuilder()
                                .setExperimentName("no-such-study")
                                .build()),
                Status.Code.NOT_FOUND);
        assertThat(export.getStatus().getDescription()).contains("no-such-study");
    }

    @Test
    void unknownTrialInScopeIsNotFound() {
        StatusRuntimeException e = failure(
                () -> analytics()
                        .getTable(GetTableRequest.newBuilder()
                                .setTrialNames(TrialNames.newBuilder()
                                        .addNames("errors-1")
                                        .addNames("ghost-trial"))
                                .build()),
                Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).contains("ghost-trial");
    }

    @Test
    void missingScopeIsInvalid() {
        failure(
                () -> analytics()
                        .getTable(
                                GetTableRequest.newBuilder().addColumns("name").build()),
                Status.Code.INVALID_ARGUMENT);
        failure(() -> exportCsv(analytics(), GetTableRequest.getDefaultInstance()), Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void trialNamesMustHoldOneToAThousandNames() {
        failure(
                () -> analytics()
                        .getTable(GetTableRequest.newBuilder()
                                .setTrialNames(TrialNames.getDefaultInstance())
                                .build()),
                Status.Code.INVALID_ARGUMENT);
        TrialNames tooMany = TrialNames.newBuilder()
                .addAllNames(
                        IntStream.rangeClosed(1, 1001).mapToObj(i -> "errors-1").toList())
                .build();
        failure(
                () -> analytics()
                        .getTable(GetTableRequest.newBuilder()
                                .setTrialNames(tooMany)
                                .build()),
                Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void validRequestsOnTheSameDataSucceed() {
        // The counterpart of the refusals above: the same columns spelled right are accepted.
        Table table = table(
                analytics(),
                request()
                        .addColumns("name")
                        .addColumns("metrics.test_acc.last")
                        .addColumns("params.epochs")
                        .setFilter("params.epochs = 60")
                        .addSort(desc("metrics.test_acc.last"))
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
