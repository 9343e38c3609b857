package io.trialgraph.grpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.trialgraph.api.v1.GetMetricSummariesRequest;
import io.trialgraph.api.v1.GetMetricSummariesResponse;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.api.v1.IngestMetricsResponse;
import io.trialgraph.api.v1.MetricSeries;
import io.trialgraph.api.v1.MetricServiceGrpc;
import io.trialgraph.api.v1.ReadMetricSeriesRequest;
import io.trialgraph.api.v1.ReadMetricSeriesResponse;
import io.trialgraph.api.v1.RejectedBatch;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.MetricBatch;
import io.trialgraph.domain.MetricPoints;
import io.trialgraph.domain.MetricSummary;
import io.trialgraph.rules.Quote;
import io.trialgraph.service.MetricService;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * gRPC face of {@link MetricService}. The ingest stream is read one batch at a time: the next
 * batch is requested only after the previous one is committed and acknowledged, so gRPC flow
 * control pushes back on writers when Neo4j is slow.
 */
@Singleton
class MetricEndpoint extends MetricServiceGrpc.MetricServiceImplBase {

    /** Points per streamed response of a series read (about 400 KB). */
    static final int READ_CHUNK_POINTS = 16_384;

    private final MetricService service;

    MetricEndpoint(MetricService service) {
        this.service = service;
    }

    @Override
    public StreamObserver<IngestMetricsRequest> ingestMetrics(StreamObserver<IngestMetricsResponse> responses) {
        ServerCallStreamObserver<IngestMetricsResponse> call =
                (ServerCallStreamObserver<IngestMetricsResponse>) responses;
        call.disableAutoRequest();
        call.request(1);
        return new StreamObserver<>() {
            private String writerId;
            private long lastSequence;
            private boolean failed;

            @Override
            public void onNext(IngestMetricsRequest request) {
                if (failed) {
                    return;
                }
                try {
                    checkStream(request);
                    MetricService.Outcome outcome;
                    try {
                        outcome = service.ingest(batch(request));
                    } catch (InvalidArgumentException unreadable) {
                        outcome = service.reject(writerId, request.getSequence(), unreadable);
                    }
                    lastSequence = request.getSequence();
                    IngestMetricsResponse.Builder ack = IngestMetricsResponse.newBuilder()
                            .setAcknowledgedSequence(request.getSequence())
                            .setStoredPoints(outcome.storedPoints());
                    if (outcome.rejection() != null) {
                        ack.addRejectedBatches(RejectedBatch.newBuilder()
                                .setSequence(request.getSequence())
                                .setCode(StatusTranslator.toStatus(outcome.rejection())
                                        .getCode()
                                        .value())
                                .setMessage(outcome.rejection().getMessage()));
                    }
                    responses.onNext(ack.build());
                    call.request(1);
                } catch (RuntimeException e) {
                    failed = true;
                    responses.onError(StatusTranslator.toStatus(e).asRuntimeException());
                }
            }

            /** The checks that decide whether the stream can go on at all. */
            private void checkStream(IngestMetricsRequest request) {
                if (writerId == null) {
                    writerId = MetricService.writerId(request.getWriterId());
                } else if (!writerId.equals(request.getWriterId())) {
                    throw new InvalidArgumentException(
                            "writer_id",
                            "must stay " + Quote.of(writerId) + " for the whole stream, is "
                                    + Quote.of(request.getWriterId()));
                }
                if (request.getSequence() <= lastSequence) {
                    throw new InvalidArgumentException(
                            "sequence",
                            "must grow from batch to batch: " + request.getSequence() + " follows " + lastSequence);
                }
            }

            /** The batch of a request; columns of unequal length are INVALID_ARGUMENT for this batch only. */
            private MetricBatch batch(IngestMetricsRequest request) {
                long now = System.currentTimeMillis();
                List<MetricBatch.Series> series = new ArrayList<>(request.getSeriesCount());
                for (int i = 0; i < request.getSeriesCount(); i++) {
                    series.add(new MetricBatch.Series(
                            request.getSeries(i).getTrialComponentName(),
                            request.getSeries(i).getMetricName(),
                            points("series[" + i + "]", request.getSeries(i), now)));
                }
                return new MetricBatch(writerId, request.getSequence(), series);
            }

            @Override
            public void onError(Throwable t) {
                // The client went away; what was committed stays, and it resends the rest.
            }

            @Override
            public void onCompleted() {
                if (!failed) {
                    responses.onCompleted();
                }
            }
        };
    }

    /** Columns of a series; missing timestamps become the time the server received them. */
    private static MetricPoints points(String field, MetricSeries series, long now) {
        int n = series.getStepsCount();
        if (series.getValuesCount() != n) {
            throw new InvalidArgumentException(
                    field + ".values", "must have one value per step (" + n + "), has " + series.getValuesCount());
        }
        long[] timestamps;
        if (series.getTimestampsCount() == 0) {
            timestamps = new long[n];
            Arrays.fill(timestamps, now);
        } else if (series.getTimestampsCount() == n) {
            timestamps = new long[n];
            for (int i = 0; i < n; i++) {
                long t = series.getTimestamps(i);
                timestamps[i] = t == 0 ? now : t;
            }
        } else {
            throw new InvalidArgumentException(
                    field + ".timestamps",
                    "must be empty or have one timestamp per step (" + n + "), has " + series.getTimestampsCount());
        }
        long[] steps = new long[n];
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            steps[i] = series.getSteps(i);
            values[i] = series.getValues(i);
        }
        return new MetricPoints(steps, values, timestamps);
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

    @Override
    public void readMetricSeries(ReadMetricSeriesRequest request, StreamObserver<ReadMetricSeriesResponse> response) {
        MetricService.Series series = service.read(
                request.getTrialComponentName(),
                request.getMetricName(),
                request.hasMinStep() ? request.getMinStep() : null,
                request.hasMaxStep() ? request.getMaxStep() : null,
                request.getMaxPoints());
        MetricPoints points = series.points();
        int from = 0;
        do {
            int to = Math.min(points.size(), from + READ_CHUNK_POINTS);
            MetricSeries.Builder part = MetricSeries.newBuilder()
                    .setTrialComponentName(request.getTrialComponentName())
                    .setMetricName(request.getMetricName());
            for (int i = from; i < to; i++) {
                part.addSteps(points.step(i)).addValues(points.value(i)).addTimestamps(points.timestamp(i));
            }
            ReadMetricSeriesResponse.Builder message =
                    ReadMetricSeriesResponse.newBuilder().setPoints(part);
            if (from == 0) {
                message.setTotalPoints(series.totalPoints());
            }
            response.onNext(message.build());
            from = to;
        } while (from < points.size());
        response.onCompleted();
    }
}
