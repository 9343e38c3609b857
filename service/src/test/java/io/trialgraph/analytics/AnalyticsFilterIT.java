package io.trialgraph.analytics;

import static io.trialgraph.analytics.AnalyticsTestSupport.analytics;
import static io.trialgraph.analytics.AnalyticsTestSupport.ingest;
import static io.trialgraph.analytics.AnalyticsTestSupport.table;
import static io.trialgraph.testing.ApiFixtures.components;
import static io.trialgraph.testing.ApiFixtures.createComponent;
import static io.trialgraph.testing.ApiFixtures.createExperiment;
import static io.trialgraph.testing.ApiFixtures.createTrial;
import static io.trialgraph.testing.ApiFixtures.experiments;
import static io.trialgraph.testing.ApiFixtures.flag;
import static io.trialgraph.testing.ApiFixtures.integer;
import static io.trialgraph.testing.ApiFixtures.number;
import static io.trialgraph.testing.ApiFixtures.text;
import static io.trialgraph.testing.ApiFixtures.trials;
import static org.assertj.core.api.Assertions.assertThat;

import io.trialgraph.analytics.AnalyticsTestSupport.Point;
import io.trialgraph.analytics.AnalyticsTestSupport.Table;
import io.trialgraph.api.v1.GetTableRequest;
import io.trialgraph.api.v1.TrialComponent;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The filter language, operator by operator, on five components with parameters of every type
 * (and some without them):
 *
 * <pre>
 * name     kind        display_name  lr     batch  opt        model        augment  note        acc (last, max)
 * c-alpha  training    Alpha run     0.01   32     adam       resnet-50    true     it's fine   0.9, 0.95
 * c-beta   training    Beta run      0.1    64     sgd        resnet-101   false    say "hi"    0.7, 0.75
 * c-gamma  evaluation  -             0.001  128    adam       custom-net   true     -           -
 * c-delta  processing  -             -      -      -          -            -        -           -
 * c-eps    training    -             0.5    32     rmsprop    custom-net   -        a, b        0.5, 0.6
 * </pre>
 */
@TrialGraphTest
class AnalyticsFilterIT {

    private static final String EXPERIMENT = "filters";
    private static final List<String> ALL = List.of("c-alpha", "c-beta", "c-gamma", "c-delta", "c-eps");

    private TestServer server;

    @BeforeEach
    void seed(TestServer server) {
        this.server = server;
        createExperiment(experiments(server, 60), EXPERIMENT);
        createTrial(trials(server, 60), EXPERIMENT, "filters-1");
        createTrial(trials(server, 60), EXPERIMENT, "filters-2");
        TrialComponentServiceGrpc.TrialComponentServiceBlockingStub components = components(server, 60);
        createComponent(components, TrialComponent.newBuilder().setName("c-alpha").setKind("training")
                .setDisplayName("Alpha run").addTrialNames("filters-1")
                .putParameters("lr", number(0.01)).putParameters("batch", integer(32)).putParameters("opt", text("adam"))
                .putParameters("model", text("resnet-50")).putParameters("augment", flag(true))
                .putParameters("note", text("it's fine")));
        createComponent(components, TrialComponent.newBuilder().setName("c-beta").setKind("training")
                .setDisplayName("Beta run").addTrialNames("filters-1")
                .putParameters("lr", number(0.1)).putParameters("batch", integer(64)).putParameters("opt", text("sgd"))
                .putParameters("model", text("resnet-101")).putParameters("augment", flag(false))
                .putParameters("note", text("say \"hi\"")));
        createComponent(components, TrialComponent.newBuilder().setName("c-gamma").setKind("evaluation")
                .addTrialNames("filters-2")
                .putParameters("lr", number(0.001)).putParameters("batch", integer(128)).putParameters("opt", text("adam"))
                .putParameters("model", text("custom-net")).putParameters("augment", flag(true)));
        createComponent(components, TrialComponent.newBuilder().setName("c-delta").setKind("processing")
                .addTrialNames("filters-1").addTrialNames("filters-2"));
        createComponent(components, TrialComponent.newBuilder().setName("c-eps").setKind("training")
                .addTrialNames("filters-2")
                .putParameters("lr", number(0.5)).putParameters("batch", integer(32)).putParameters("opt", text("rmsprop"))
                .putParameters("model", text("custom-net")).putParameters("note", text("a, b")));

        Map<String, Map<String, List<Point>>> metrics = new LinkedHashMap<>();
        metrics.put("c-alpha", Map.of("acc", List.of(new Point(0, 0.5), new Point(1, 0.95), new Point(2, 0.9))));
        metrics.put("c-beta", Map.of("acc", List.of(new Point(0, 0.4), new Point(1, 0.75), new Point(2, 0.7))));
        metrics.put("c-eps", Map.of("acc", List.of(new Point(0, 0.6), new Point(5, 0.5))));
        ingest(server, metrics);
    }

    private List<String> matching(String filter) {
        Table table = table(analytics(server), GetTableRequest.newBuilder().setExperimentName(EXPERIMENT)
                .addColumns("name").setFilter(filter).setPageSize(100));
        assertThat(table.totalRows()).as("total_rows of %s", filter).isEqualTo(table.rows().size());
        return table.names();
    }

    static Stream<Arguments> filters() {
        return Stream.of(
                // = and != on every type
                Arguments.of("kind = \"training\"", "c-alpha c-beta c-eps"),
                Arguments.of("kind = 'training'", "c-alpha c-beta c-eps"),
                Arguments.of("kind != \"training\"", "c-gamma c-delta"),
                Arguments.of("name = \"c-gamma\"", "c-gamma"),
                Arguments.of("display_name = 'Alpha run'", "c-alpha"),
                Arguments.of("params.batch = 32", "c-alpha c-eps"),
                Arguments.of("params.batch != 32", "c-beta c-gamma"),
                Arguments.of("params.lr = 0.1", "c-beta"),
                Arguments.of("params.lr != 0.1", "c-alpha c-gamma c-eps"),
                Arguments.of("params.opt = \"adam\"", "c-alpha c-gamma"),
                Arguments.of("params.opt != 'adam'", "c-beta c-eps"),
                Arguments.of("params.augment = true", "c-alpha c-gamma"),
                Arguments.of("params.augment = false", "c-beta"),
                Arguments.of("params.augment != true", "c-beta"),
                // quotes of the other kind inside a string
                Arguments.of("params.note = 'say \"hi\"'", "c-beta"),
                Arguments.of("params.note = \"it's fine\"", "c-alpha"),
                Arguments.of("params.note = \"a, b\"", "c-eps"),
                // ordering on integers, doubles and strings
                Arguments.of("params.batch < 64", "c-alpha c-eps"),
                Arguments.of("params.batch <= 64", "c-alpha c-beta c-eps"),
                Arguments.of("params.batch > 64", "c-gamma"),
                Arguments.of("params.batch >= 64", "c-beta c-gamma"),
                Arguments.of("params.batch>40", "c-beta c-gamma"),
                Arguments.of("params.lr < 0.01", "c-gamma"),
                Arguments.of("params.lr <= 0.01", "c-alpha c-gamma"),
                Arguments.of("params.lr > 0.1", "c-eps"),
                Arguments.of("params.lr >= 0.1", "c-beta c-eps"),
                Arguments.of("params.lr < 1", "c-alpha c-beta c-gamma c-eps"),
                Arguments.of("params.lr > -1", "c-alpha c-beta c-gamma c-eps"),
                Arguments.of("params.opt < \"b\"", "c-alpha c-gamma"),
                Arguments.of("params.opt <= 'rmsprop'", "c-alpha c-gamma c-eps"),
                Arguments.of("params.opt > \"rmsprop\"", "c-beta"),
                Arguments.of("params.opt >= \"rmsprop\"", "c-beta c-eps"),
                // metric statistics
                Arguments.of("metrics.acc.last > 0.8", "c-alpha"),
                Arguments.of("metrics.acc.last >= 0.7", "c-alpha c-beta"),
                Arguments.of("metrics.acc.max < 0.7", "c-eps"),
                Arguments.of("metrics.acc.count = 3", "c-alpha c-beta"),
                Arguments.of("metrics.acc.last_step = 5", "c-eps"),
                // IN, CONTAINS, STARTS WITH, EXISTS
                Arguments.of("params.opt IN (\"adam\", 'sgd')", "c-alpha c-beta c-gamma"),
                Arguments.of("params.batch IN (32, 128)", "c-alpha c-gamma c-eps"),
                Arguments.of("params.lr IN (0.1, 0.5, 7)", "c-beta c-eps"),
                Arguments.of("kind IN (\"evaluation\", \"processing\")", "c-gamma c-delta"),
                Arguments.of("params.augment IN (false)", "c-beta"),
                Arguments.of("params.model CONTAINS \"resnet\"", "c-alpha c-beta"),
                Arguments.of("params.model CONTAINS '-net'", "c-gamma c-eps"),
                Arguments.of("params.note CONTAINS \",\"", "c-eps"),
                Arguments.of("params.model STARTS WITH \"resnet-1\"", "c-beta"),
                Arguments.of("name STARTS WITH 'c-g'", "c-gamma"),
                Arguments.of("EXISTS params.augment", "c-alpha c-beta c-gamma"),
                Arguments.of("EXISTS params.note", "c-alpha c-beta c-eps"),
                Arguments.of("EXISTS metrics.acc.last", "c-alpha c-beta c-eps"),
                // AND, OR, NOT, parentheses, precedence (NOT over AND over OR)
                Arguments.of("kind = \"training\" AND params.batch = 32", "c-alpha c-eps"),
                Arguments.of("kind = \"evaluation\" OR params.lr > 0.05", "c-beta c-gamma c-eps"),
                Arguments.of("NOT kind = \"training\"", "c-gamma c-delta"),
                Arguments.of("NOT (kind = \"training\" OR kind = \"evaluation\")", "c-delta"),
                Arguments.of("kind = \"processing\" OR kind = \"training\" AND params.batch = 64", "c-beta c-delta"),
                Arguments.of("(kind = \"processing\" OR kind = \"training\") AND params.batch = 64", "c-beta"),
                Arguments.of("NOT params.opt = \"adam\" AND kind = \"training\"", "c-beta c-eps"),
                Arguments.of("NOT EXISTS params.augment", "c-delta c-eps"),
                Arguments.of("((params.batch = 32)) AND (params.opt = 'adam' OR params.opt = 'rmsprop')", "c-alpha c-eps"),
                Arguments.of("NOT NOT kind = 'evaluation'", "c-gamma"),
                // missing values: comparisons never true, unknown names are no error
                Arguments.of("params.nosuch = 1", ""),
                Arguments.of("params.nosuch != 1", ""),
                Arguments.of("NOT params.nosuch = 1", ""),
                Arguments.of("NOT EXISTS params.nosuch", "c-alpha c-beta c-gamma c-delta c-eps"),
                Arguments.of("EXISTS params.nosuch", ""),
                Arguments.of("params.nosuch IN (1, 2)", ""),
                Arguments.of("params.nosuch CONTAINS \"x\"", ""),
                Arguments.of("metrics.nosuch.last > 0", ""),
                Arguments.of("NOT metrics.nosuch.last > 0", ""),
                Arguments.of("params.lr > 0 OR params.nosuch = 1", "c-alpha c-beta c-gamma c-eps"),
                Arguments.of("NOT params.lr < 0.05", "c-beta c-eps"),
                Arguments.of("metrics.acc.last < 1", "c-alpha c-beta c-eps"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filters")
    void filterMatchesExactlyTheExpectedRows(String filter, String expected) {
        List<String> names = expected.isEmpty() ? List.of() : Arrays.asList(expected.split(" "));

        assertThat(matching(filter)).as(filter).containsExactlyInAnyOrderElementsOf(names);
    }

    @Test
    void emptyFilterMatchesEveryRow() {
        assertThat(matching("")).containsExactlyInAnyOrderElementsOf(ALL);
    }

    @Test
    void filterValuesAreDataNotCypher() {
        // Quotes, backslashes and Cypher keywords inside a value must neither break the query nor
        // widen it: the filter is turned into parameterised Cypher.
        assertThat(matching("name = \"x' OR 1=1 OR name = '\"")).isEmpty();
        assertThat(matching("name = 'x\" OR true //'")).isEmpty();
        assertThat(matching("params.opt CONTAINS \"}) DETACH DELETE n //\"")).isEmpty();
        assertThat(matching("")).containsExactlyInAnyOrderElementsOf(ALL);
    }

    @Test
    void keywordsAndSpacingAreFlexible() {
        assertThat(matching("  kind   =   \"training\"   AND   params.batch   =   32  "))
                .containsExactlyInAnyOrder("c-alpha", "c-eps");
        assertThat(matching("(kind=\"evaluation\")OR(params.batch=64)")).containsExactlyInAnyOrder("c-beta", "c-gamma");
    }
}
