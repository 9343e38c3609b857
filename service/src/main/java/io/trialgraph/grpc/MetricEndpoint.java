package io.trialgraph.grpc;

import io.grpc.stub.StreamObserver;
import io.trialgraph.api.v1.GetMetricSummariesRequest;
import io.trialgraph.api.v1.GetMetricSummariesResponse;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.api.v1.IngestMetricsResponse;
import io.trialgraph.api.v1.MetricSeries;
import io.trialgraph.api.v1.MetricServiceGrpc;
import io.trialgraph.api.v1.ReadMetricSeriesRequest;
import io.trialgraph.api.v1.ReadMetricSeriesResponse;
import io.trialgraph.domain.MetricPoints;
import io.trialgraph.domain.MetricSummary;
import io.trialgraph.service.IngestAdmission;
import io.trialgraph.service.IngestWorkers;
import io.trialgraph.service.MetricService;
import jakarta.inject.Singleton;

/**
 * gRPC face of {@link MetricService}. Each ingest stream is an {@link IngestCall}: read one batch
 * at a time, within the global in-flight budget, committed by the bounded ingest workers.
 */
@Singleton
class MetricEndpoint extends MetricServiceGrpc.MetricServiceImplBase {

    private final MetricService service;
    private final IngestAdmission admission;
    private final IngestWorkers workers;
    private final IngestStreams streams;

    MetricEndpoint(MetricService service, IngestAdmission admission, IngestWorkers workers, IngestStreams streams) {
        this.service = service;
        this.admission = admission;
        this.workers = workers;
        this.streams = streams;
    }

    @Override
    public StreamObserver<IngestMetricsRequest> ingestMetrics(StreamObserver<IngestMetricsResponse> responses) {
        return IngestCall.start(responses, service, admission, workers, streams);
    }

    @Override
    public void getMetricSummaries(
            GetMetricSummariesRequest request, StreamObserver<GetMetricSummariesResponse> response) {
        GetMetricSummariesResponse.Builder builder = GetMetricSummariesResponse.newBuilder();
        for (MetricSummary s : service.summaries(request.getTrialComponentNamesList(), request.getMetricNamesList())) {
            builder.addSummaries(Protos.summary(s));
        }
        ExperimentEndpoint.reply(response, builder.build());
    }

    /**
     * Streams the series with flow control: each message's points are read from Neo4j only when
     * the client can take them ({@link FlowControlledReplies}), so a stalled reader holds one
     * block of points at most.
     */
    @Override
    public void readMetricSeries(ReadMetricSeriesRequest request, StreamObserver<ReadMetricSeriesResponse> response) {
        MetricService.SeriesStream series = service.stream(
                request.getTrialComponentName(),
                request.getMetricName(),
                request.hasMinStep() ? request.getMinStep() : null,
                request.hasMaxStep() ? request.getMaxStep() : null,
                request.getMaxPoints());
        boolean[] first = {true};
        FlowControlledReplies.send(response, () -> {
            MetricPoints points = series.next();
            if (points.size() == 0 && !first[0]) {
                return null;
            }
            MetricSeries.Builder part = MetricSeries.newBuilder()
                    .setTrialComponentName(request.getTrialComponentName())
                    .setMetricName(request.getMetricName());
            for (int i = 0; i < points.size(); i++) {
                part.addSteps(points.step(i)).addValues(points.value(i)).addTimestamps(points.timestamp(i));
            }
            ReadMetricSeriesResponse.Builder message =
                    ReadMetricSeriesResponse.newBuilder().setPoints(part);
            if (first[0]) {
                message.setTotalPoints(series.totalPoints());
                first[0] = false;
            }
            return message.build();
        });
    }
}
