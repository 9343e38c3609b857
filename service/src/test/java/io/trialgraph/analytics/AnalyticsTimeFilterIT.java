package io.trialgraph.analytics;

import static io.trialgraph.testing.ApiFixtures.components;
import static io.trialgraph.testing.ApiFixtures.createComponent;
import static io.trialgraph.testing.ApiFixtures.createExperiment;
import static io.trialgraph.testing.ApiFixtures.createTrial;
import static io.trialgraph.testing.ApiFixtures.experiments;
import static io.trialgraph.testing.ApiFixtures.failure;
import static io.trialgraph.testing.ApiFixtures.trials;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.trialgraph.api.v1.AnalyticsServiceGrpc;
import io.trialgraph.api.v1.GetTableRequest;
import io.trialgraph.api.v1.TrialComponent;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Filtering on start and end times: ISO 8601 values compare as times; anything else is refused clearly. */
@TrialGraphTest
class AnalyticsTimeFilterIT {

    @Test
    void timesCompareAsTimesAndBadTimesAreInvalid(TestServer server) {
        createExperiment(experiments(server, 60), "timed");
        createTrial(trials(server, 60), "timed", "t1");
        for (int day = 1; day <= 3; day++) {
            Instant start = Instant.parse("2026-11-0" + day + "T12:00:00Z");
            createComponent(
                    components(server, 60),
                    TrialComponent.newBuilder()
                            .setName("job-" + day)
                            .setKind("training")
                            .addTrialNames("t1")
                            .setStartTime(Timestamp.newBuilder().setSeconds(start.getEpochSecond())));
        }
        AnalyticsServiceGrpc.AnalyticsServiceBlockingStub analytics = AnalyticsTestSupport.analytics(server);
        GetTableRequest.Builder request =
                GetTableRequest.newBuilder().setExperimentName("timed").addColumns("name");

        assertThat(analytics
                        .getTable(request.setFilter("start_time >= \"2026-11-02T00:00:00Z\"")
                                .build())
                        .getRowsList())
                .extracting(row -> row.getValues(0).getStringValue())
                .containsExactly("job-2", "job-3");
        assertThat(analytics
                        .getTable(request.setFilter("start_time < '2026-11-02'").build())
                        .getRowsList())
                .extracting(row -> row.getValues(0).getStringValue())
                .containsExactly("job-1");
        assertThat(failure(
                                () -> analytics.getTable(request.setFilter("start_time > \"yesterday\"")
                                        .build()),
                                Status.Code.INVALID_ARGUMENT)
                        .getStatus()
                        .getDescription())
                .startsWith("filter: ")
                .contains("ISO 8601");
        failure(() -> analytics.getTable(request.setFilter("end_time > 5").build()), Status.Code.INVALID_ARGUMENT);
    }
}
