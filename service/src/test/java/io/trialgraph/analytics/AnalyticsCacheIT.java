package io.trialgraph.analytics;

import static io.trialgraph.analytics.AnalyticsTestSupport.Point;
import static io.trialgraph.analytics.AnalyticsTestSupport.analytics;
import static io.trialgraph.analytics.AnalyticsTestSupport.desc;
import static io.trialgraph.analytics.AnalyticsTestSupport.series;
import static io.trialgraph.analytics.AnalyticsTestSupport.seedStudy;
import static io.trialgraph.analytics.AnalyticsTestSupport.studyTable;
import static io.trialgraph.analytics.AnalyticsTestSupport.table;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.trialgraph.analytics.AnalyticsTestSupport.Study;
import io.trialgraph.analytics.AnalyticsTestSupport.Table;
import io.trialgraph.api.v1.GetTableRequest;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.testing.IngestStream;
import io.trialgraph.service.AnalyticsService;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Answers are cached by request and database state: a repeated request is served from the cache,
 * and any commit, through the API or straight over Bolt (another replica, a user's Cypher),
 * makes the next answer fresh.
 */
@TrialGraphTest
class AnalyticsCacheIT {

    private static final GetTableRequest RANKING = studyTable().addColumns("name").addColumns("params.optimizer")
            .addColumns("metrics.test_acc.last").setFilter("kind = \"training\"").addSort(desc("metrics.test_acc.last"))
            .build();

    private TestServer server;
    private Study study;
    private AnalyticsService service;

    @BeforeEach
    void seed(TestServer server) {
        this.server = server;
        this.study = seedStudy(server);
        this.service = server.server().context().getBean(AnalyticsService.class);
    }

    @Test
    void aRepeatedRequestOnAnUnchangedGraphIsServedFromTheCache() {
        Table first = table(analytics(server), RANKING);
        CacheStats before = service.cacheStats();
        Table second = table(analytics(server), RANKING);
        Table third = table(analytics(server), RANKING);

        assertThat(second).isEqualTo(first);
        assertThat(third).isEqualTo(first);
        assertThat(service.cacheStats().minus(before).hitCount()).as("cache hits").isEqualTo(2);
        assertThat(first.names()).isEqualTo(study.rankingByTestAccLast(true));
    }

    @Test
    void metricsIngestedAfterACachedAnswerShowInTheNextOne() {
        table(analytics(server), RANKING);
        table(analytics(server), RANKING);
        String worst = table(analytics(server), RANKING).names().get(17);

        // A new writer: the seed's writer id and sequence would be taken for a resent batch.
        IngestStream stream = IngestStream.open(server.channel());
        stream.send(IngestMetricsRequest.newBuilder().setWriterId("late-evaluation").setSequence(1)
                .addSeries(series(worst, "test_acc", List.of(new Point(10, 0.999)))).build());
        stream.awaitAck(1);
        assertThat(stream.complete().isOk()).isTrue();

        Table after = table(analytics(server), RANKING);
        assertThat(after.names().get(0)).isEqualTo(worst);
        assertThat(after.cell(worst, "metrics.test_acc.last")).isEqualTo(0.999);
    }

    @Test
    void aWriteStraightOverBoltMakesTheNextAnswerFresh() {
        String job = study.jobs().get(0).name();
        assertThat(table(analytics(server), RANKING).cell(job, "params.optimizer")).isNotEqualTo("lion");
        table(analytics(server), RANKING);

        // As another replica or a user with cypher-shell would: not through this service.
        server.single("MATCH (c:TrialComponent {name: $name}) SET c.`param.optimizer` = 'lion' RETURN count(c)", "name", job);

        assertThat(table(analytics(server), RANKING).cell(job, "params.optimizer")).isEqualTo("lion");
    }

    @Test
    void differentPagesAndSortsAreDifferentAnswers() {
        GetTableRequest page1 = RANKING.toBuilder().setPageSize(5).build();
        Table first = table(analytics(server), page1);
        Table second = table(analytics(server), page1.toBuilder().setPageToken(first.nextPageToken()).build());
        Table ascending = table(analytics(server), RANKING.toBuilder().clearSort()
                .addSort(AnalyticsTestSupport.asc("metrics.test_acc.last")).build());

        assertThat(first.names()).doesNotContainAnyElementsOf(second.names());
        List<String> all = table(analytics(server), RANKING).names();
        assertThat(first.names()).isEqualTo(all.subList(0, 5));
        assertThat(second.names()).isEqualTo(all.subList(5, 10));
        assertThat(ascending.names().get(0)).isEqualTo(all.get(17));
    }
}
