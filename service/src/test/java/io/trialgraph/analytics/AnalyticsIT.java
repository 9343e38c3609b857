package io.trialgraph.analytics;

import static io.trialgraph.analytics.AnalyticsTestSupport.STATS;
import static io.trialgraph.analytics.AnalyticsTestSupport.STUDY;
import static io.trialgraph.analytics.AnalyticsTestSupport.TRACKER;
import static io.trialgraph.analytics.AnalyticsTestSupport.asc;
import static io.trialgraph.analytics.AnalyticsTestSupport.desc;
import static io.trialgraph.analytics.AnalyticsTestSupport.seedStudy;
import static io.trialgraph.analytics.AnalyticsTestSupport.studyTable;
import static io.trialgraph.analytics.AnalyticsTestSupport.table;
import static io.trialgraph.testing.ApiFixtures.components;
import static io.trialgraph.testing.ApiFixtures.createComponent;
import static io.trialgraph.testing.ApiFixtures.createExperiment;
import static io.trialgraph.testing.ApiFixtures.createTrial;
import static io.trialgraph.testing.ApiFixtures.experiments;
import static io.trialgraph.testing.ApiFixtures.integer;
import static io.trialgraph.testing.ApiFixtures.trials;
import static org.assertj.core.api.Assertions.assertThat;

import io.trialgraph.analytics.AnalyticsTestSupport.Job;
import io.trialgraph.analytics.AnalyticsTestSupport.Study;
import io.trialgraph.analytics.AnalyticsTestSupport.Table;
import io.trialgraph.api.v1.AnalyticsServiceGrpc;
import io.trialgraph.api.v1.GetTableRequest;
import io.trialgraph.api.v1.TrialComponent;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.api.v1.TrialNames;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GetTable on the seed study: columns, sorting, filtering, grouping, paging and scopes. */
@TrialGraphTest
class AnalyticsIT {

    private static final String TEST_ACC_LAST = "metrics.test_acc.last";

    private TestServer server;
    private Study study;

    @BeforeEach
    void seed(TestServer server) {
        this.server = server;
        this.study = seedStudy(server);
    }

    private AnalyticsServiceGrpc.AnalyticsServiceBlockingStub analytics() {
        return AnalyticsTestSupport.analytics(server);
    }

    @Test
    void defaultColumnsHoldIdentityEveryParameterAndEveryStatistic() {
        Table table = table(analytics(), studyTable());

        List<String> expected = new ArrayList<>(List.of("name", "kind", "status", "trials", "params.model",
                "params.optimizer", "params.epochs", "params.pretrained", "params.note"));
        for (String metric : List.of("test_acc", "val_acc")) {
            STATS.forEach(stat -> expected.add("metrics." + metric + "." + stat));
        }
        assertThat(table.columns()).containsAll(expected).doesNotHaveDuplicates();
        assertThat(table.totalRows()).isEqualTo(19);
        assertThat(table.rows()).hasSize(19);
        assertThat(table.nextPageToken()).isEmpty();

        Job job = study.job("job-resnet-sgd-60");
        assertThat(table.cell(job.name(), "kind")).isEqualTo("training");
        assertThat(table.cell(job.name(), "trials")).isEqualTo(job.trial());
        assertThat(table.cell(job.name(), "params.model")).isEqualTo("resnet");
        assertThat(table.cell(job.name(), "params.optimizer")).isEqualTo("sgd");
        assertThat(table.cell(job.name(), "params.epochs")).isEqualTo(60L);
        assertThat(table.cell(job.name(), "params.pretrained")).isEqualTo(true);
        assertThat(table.cell(job.name(), TEST_ACC_LAST)).isEqualTo(job.testAccLast());
        assertThat(table.cell(job.name(), "metrics.test_acc.max")).isEqualTo(AnalyticsTestSupport.max(job.testAcc()));
        assertThat(table.cell(job.name(), "metrics.test_acc.first")).isEqualTo(0.1);
        assertThat(table.cell(job.name(), "metrics.test_acc.count")).isEqualTo(4L);
        assertThat(table.cell(job.name(), "metrics.test_acc.last_step")).isEqualTo(3L);
        assertThat(table.cell(job.name(), "metrics.test_acc.max_step")).isEqualTo(2L);
        assertThat(table.cell(job.name(), "metrics.val_acc.max")).isEqualTo(job.valAccMax());
        assertThat(table.cell(job.name(), "metrics.val_acc.min_step")).isEqualTo(0L);

        // The tracker has no parameters and no metrics: those cells are missing.
        assertThat(table.cell(TRACKER, "kind")).isEqualTo("tracker");
        assertThat(table.cell(TRACKER, "params.epochs")).isNull();
        assertThat(table.cell(TRACKER, TEST_ACC_LAST)).isNull();
        assertThat(table.cell(TRACKER, "metrics.val_acc.max")).isNull();
        String trials = (String) table.cell(TRACKER, "trials");
        assertThat(trials).isNotNull();
        assertThat(Arrays.asList(trials.split(","))).containsExactlyInAnyOrderElementsOf(study.trialNames());
    }

    @Test
    void requestedColumnsComeInTheOrderAsked() {
        Table table = table(analytics(), studyTable().addColumns("metrics.val_acc.max").addColumns("name")
                .addColumns("params.epochs").addSort(asc("name")));

        assertThat(table.columns()).containsExactly("metrics.val_acc.max", "name", "params.epochs");
        List<String> names = new ArrayList<>(study.jobs().stream().map(Job::name).toList());
        names.add(TRACKER);
        assertThat(table.names()).containsExactlyElementsOf(names.stream().sorted().toList());
        for (Job job : study.jobs()) {
            assertThat(table.cell(job.name(), "metrics.val_acc.max")).as(job.name()).isEqualTo(job.valAccMax());
            assertThat(table.cell(job.name(), "params.epochs")).as(job.name()).isEqualTo(job.epochs());
        }
    }

    @Test
    void withoutSortKeysRowsComeInNameOrder() {
        Table table = table(analytics(), studyTable().addColumns("name"));

        assertThat(table.names()).isSorted().hasSize(19);
    }

    @Test
    void sortByTestAccLastDescendingIsTheRankingOfTheRawPointsWithTheTrackerLast() {
        Table table = table(analytics(), studyTable().addSort(desc(TEST_ACC_LAST)));

        List<String> expected = new ArrayList<>(study.rankingByTestAccLast(true));
        expected.add(TRACKER);
        assertThat(table.names()).containsExactlyElementsOf(expected);
        assertThat(table.totalRows()).isEqualTo(19);
        List<Object> values = table.values(TEST_ACC_LAST);
        for (int i = 0; i < 18; i++) {
            assertThat(values.get(i)).as("row %d", i).isEqualTo(study.job(expected.get(i)).testAccLast());
        }
        assertThat(values.get(18)).isNull();
    }

    @Test
    void sortAscendingStillPutsMissingValuesLast() {
        Table table = table(analytics(), studyTable().addSort(asc(TEST_ACC_LAST)));

        List<String> expected = new ArrayList<>(study.rankingByTestAccLast(false));
        expected.add(TRACKER);
        assertThat(table.names()).containsExactlyElementsOf(expected);
    }

    @Test
    void laterSortKeysBreakTiesOfEarlierOnes() {
        Table table = table(analytics(), studyTable().addColumns("name").addColumns("params.epochs")
                .setFilter("kind = \"training\"").addSort(asc("params.epochs")).addSort(desc(TEST_ACC_LAST)));

        List<String> expected = new ArrayList<>();
        List<String> ranking = study.rankingByTestAccLast(true);
        for (long epochs : AnalyticsTestSupport.EPOCHS) {
            ranking.stream().filter(name -> study.job(name).epochs() == epochs).forEach(expected::add);
        }
        assertThat(table.names()).containsExactlyElementsOf(expected);
    }

    @Test
    void filterOnKindAndEpochsReturnsTheSixJobs() {
        Table table = table(analytics(), studyTable().setFilter("kind = \"training\" AND params.epochs = 60")
                .addSort(desc(TEST_ACC_LAST)));

        List<String> expected = study.rankingByTestAccLast(true).stream().filter(n -> study.job(n).epochs() == 60).toList();
        assertThat(expected).hasSize(6);
        assertThat(table.names()).containsExactlyElementsOf(expected);
        assertThat(table.totalRows()).isEqualTo(6);
        assertThat(table.values("params.epochs")).containsOnly(60L);
    }

    @Test
    void filterOnMetricStatistic() {
        double threshold = 0.7;
        Table table = table(analytics(), studyTable().setFilter("metrics.test_acc.last > " + threshold)
                .addSort(desc(TEST_ACC_LAST)));

        List<String> expected = study.rankingByTestAccLast(true).stream()
                .filter(n -> study.job(n).testAccLast() > threshold).toList();
        assertThat(expected).isNotEmpty().hasSizeLessThan(18);
        assertThat(table.names()).containsExactlyElementsOf(expected);
        assertThat(table.totalRows()).isEqualTo(expected.size());
    }

    @Test
    void groupByEpochsKeepsTheBestJobPerEpochs() {
        Table table = table(analytics(), studyTable().setFilter("kind = \"training\"").setGroupBy("params.epochs")
                .addSort(desc(TEST_ACC_LAST)));

        List<String> expected = bestPerGroup(study.rankingByTestAccLast(true), name -> study.job(name).epochs());
        assertThat(expected).hasSize(3);
        assertThat(table.names()).containsExactlyElementsOf(expected);
        assertThat(table.totalRows()).isEqualTo(3);
        assertThat(table.values("params.epochs")).containsExactlyInAnyOrder(30L, 60L, 120L);
    }

    @Test
    void groupByOptimizerAscendingKeepsTheWorstJobPerOptimizer() {
        Table table = table(analytics(), studyTable().setFilter("kind = 'training'").setGroupBy("params.optimizer")
                .addSort(asc(TEST_ACC_LAST)));

        List<String> expected = bestPerGroup(study.rankingByTestAccLast(false), name -> study.job(name).optimizer());
        assertThat(table.names()).containsExactlyElementsOf(expected);
        assertThat(table.totalRows()).isEqualTo(3);
    }

    @Test
    void groupByWithoutFilterStillRanksTheEpochsGroupsFirst() {
        // The tracker has no epochs; whether it forms a group of its own is left open here, but
        // it has no test_acc either, so it can only come after the three epochs groups.
        Table table = table(analytics(), studyTable().setGroupBy("params.epochs").addSort(desc(TEST_ACC_LAST)));

        List<String> expected = bestPerGroup(study.rankingByTestAccLast(true), name -> study.job(name).epochs());
        assertThat(table.names().subList(0, 3)).containsExactlyElementsOf(expected);
        assertThat(table.totalRows()).isIn(3L, 4L).isEqualTo(table.rows().size());
    }

    @Test
    void pagesOfFiveCoverTheUnpagedTableInOrder() {
        GetTableRequest.Builder request = studyTable().addColumns("name").addColumns(TEST_ACC_LAST)
                .addSort(desc(TEST_ACC_LAST));
        List<String> unpaged = table(analytics(), request.clone().setPageSize(100)).names();
        assertThat(unpaged).hasSize(19);

        List<String> paged = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            Table page = table(analytics(), request.clone().setPageSize(5).setPageToken(token));
            assertThat(page.totalRows()).as("total_rows on page %d", pages).isEqualTo(19);
            sizes.add(page.rows().size());
            paged.addAll(page.names());
            token = page.nextPageToken();
            pages++;
            assertThat(pages).as("pages").isLessThanOrEqualTo(4);
        } while (!token.isEmpty());

        assertThat(sizes).containsExactly(5, 5, 5, 4);
        assertThat(paged).doesNotHaveDuplicates().containsExactlyElementsOf(unpaged);
    }

    @Test
    void defaultPageSizeIsAHundredAndTenThousandIsAccepted() {
        TrialComponentServiceGrpc.TrialComponentServiceBlockingStub components = components(server, 60);
        String trial = study.trialNames().get(0);
        for (int i = 0; i < 90; i++) {
            createComponent(components, TrialComponent.newBuilder().setName(String.format("extra-%03d", i)).setKind("step")
                    .addTrialNames(trial));
        }

        Table first = table(analytics(), studyTable().addColumns("name"));
        assertThat(first.rows()).hasSize(100);
        assertThat(first.totalRows()).isEqualTo(109);
        assertThat(first.nextPageToken()).isNotEmpty();
        Table second = table(analytics(), studyTable().addColumns("name").setPageToken(first.nextPageToken()));
        assertThat(second.rows()).hasSize(9);
        assertThat(second.nextPageToken()).isEmpty();

        Table all = table(analytics(), studyTable().addColumns("name").setPageSize(10_000));
        assertThat(all.rows()).hasSize(109);
        assertThat(all.nextPageToken()).isEmpty();
        List<String> concatenated = new ArrayList<>(first.names());
        concatenated.addAll(second.names());
        assertThat(concatenated).containsExactlyElementsOf(all.names());
    }

    @Test
    void trialNamesScopeShowsOnlyTheTrialsInScope() {
        Job a = study.jobs().get(0);
        Job b = study.jobs().get(7);
        Table table = table(analytics(), GetTableRequest.newBuilder()
                .setTrialNames(TrialNames.newBuilder().addNames(a.trial()).addNames(b.trial()))
                .addColumns("name").addColumns("trials").addSort(asc("name")));

        assertThat(table.names()).containsExactlyElementsOf(List.of(a.name(), b.name(), TRACKER).stream().sorted().toList());
        assertThat(table.cell(a.name(), "trials")).isEqualTo(a.trial());
        String trackerTrials = (String) table.cell(TRACKER, "trials");
        assertThat(Arrays.asList(trackerTrials.split(","))).containsExactlyInAnyOrder(a.trial(), b.trial());
    }

    @Test
    void experimentScopesAreExactOrByPrefix() {
        createExperiment(experiments(server, 60), STUDY + "-followup");
        createExperiment(experiments(server, 60), "other");
        createTrial(trials(server, 60), STUDY + "-followup", "followup-trial");
        createTrial(trials(server, 60), "other", "other-trial");
        createComponent(components(server, 60), TrialComponent.newBuilder().setName("followup-job").setKind("training")
                .addTrialNames("followup-trial").putParameters("epochs", integer(240)));
        createComponent(components(server, 60), TrialComponent.newBuilder().setName("other-job").setKind("training")
                .addTrialNames("other-trial"));

        Table exact = table(analytics(), studyTable().addColumns("name"));
        assertThat(exact.names()).hasSize(19).doesNotContain("followup-job", "other-job");

        Table prefixed = table(analytics(), GetTableRequest.newBuilder().setExperimentNamePrefix(STUDY).addColumns("name"));
        assertThat(prefixed.names()).hasSize(20).contains("followup-job", TRACKER).doesNotContain("other-job");

        Table all = table(analytics(), GetTableRequest.newBuilder().setExperimentNamePrefix("").addColumns("name"));
        assertThat(all.names()).hasSize(21).contains("followup-job", "other-job");
        assertThat(all.totalRows()).isEqualTo(21);
    }

    /** The first name of each group value, in the order given. */
    private static <K> List<String> bestPerGroup(List<String> ranking, java.util.function.Function<String, K> group) {
        Map<K, String> best = new LinkedHashMap<>();
        Set<K> seen = new HashSet<>();
        for (String name : ranking) {
            K key = group.apply(name);
            if (seen.add(key)) {
                best.put(key, name);
            }
        }
        return List.copyOf(best.values());
    }
}
