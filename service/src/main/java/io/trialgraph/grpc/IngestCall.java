package io.trialgraph.grpc;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.api.v1.IngestMetricsResponse;
import io.trialgraph.api.v1.MetricSeries;
import io.trialgraph.api.v1.RejectedBatch;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.MetricBatch;
import io.trialgraph.domain.MetricPoints;
import io.trialgraph.rules.Quote;
import io.trialgraph.service.IngestAdmission;
import io.trialgraph.service.MetricService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One IngestMetrics stream. It reads one batch at a time: the next is requested only after the
 * previous one is committed and acknowledged, and only while the global in-flight budget
 * ({@link IngestAdmission}) allows, so a slow database or a burst of writers slows the writers
 * (gRPC flow control) instead of filling the heap. Batches are committed by the bounded
 * {@link io.trialgraph.service.IngestWorkers}, never on the thread that delivered them, so a
 * thousand streams do not make a thousand threads.
 *
 * <p>Callbacks come from gRPC's threads (the next batch, half-close, cancel), from a worker (the
 * commit), from another stream's thread (when it frees the budget) and from the shutdown thread
 * (drain). The state below is guarded by {@code this}; budget calls are made outside that lock,
 * because the budget runs other streams' callbacks on the calling thread.
 */
final class IngestCall implements StreamObserver<IngestMetricsRequest> {

    private final ServerCallStreamObserver<IngestMetricsResponse> responses;
    private final MetricService service;
    private final IngestAdmission.Ticket ticket;
    private final Executor workers;
    private final IngestStreams streams;

    // Touched only by the thread delivering a batch; batches come one at a time.
    private String writerId;
    private long lastSequence;

    // Guarded by this.
    private boolean ended;
    private boolean halfClosed;
    private boolean queued;
    private boolean committing;
    private Status drainStatus;

    private IngestCall(
            ServerCallStreamObserver<IngestMetricsResponse> responses,
            MetricService service,
            IngestAdmission.Ticket ticket,
            Executor workers,
            IngestStreams streams) {
        this.responses = responses;
        this.service = service;
        this.ticket = ticket;
        this.workers = workers;
        this.streams = streams;
    }

    /** Starts serving a stream; called from the RPC method itself, before it returns. */
    static IngestCall start(
            StreamObserver<IngestMetricsResponse> responseObserver,
            MetricService service,
            IngestAdmission admission,
            Executor workers,
            IngestStreams streams) {
        ServerCallStreamObserver<IngestMetricsResponse> responses =
                (ServerCallStreamObserver<IngestMetricsResponse>) responseObserver;
        IngestCall call = new IngestCall(responses, service, admission.open(), workers, streams);
        responses.disableAutoRequest();
        // Covers a cancel after half-close too, which onError does not see, and a close by an
        // interceptor (a request that did not parse), which nothing else reports.
        responses.setOnCancelHandler(call::cancelled);
        responses.setOnCloseHandler(call::cancelled);
        streams.opened(call);
        call.ticket.requestNext(call::readNext);
        return call;
    }

    private void readNext() {
        boolean open;
        synchronized (this) {
            open = !ended;
        }
        if (open) {
            responses.request(1);
        }
    }

    @Override
    public void onNext(IngestMetricsRequest request) {
        ticket.received(request.getSerializedSize());
        Status stop;
        synchronized (this) {
            if (ended) {
                return;
            }
            // A batch that arrives after the drain began is not committed: it was not acknowledged, so it is resent.
            stop = drainStatus;
            queued = stop == null;
        }
        if (stop != null) {
            end(stop);
            return;
        }
        try {
            checkStream(request);
            Context context = Context.current();
            workers.execute(context.wrap(() -> commit(request)));
        } catch (RejectedExecutionException stopping) {
            end(IngestStreams.SHUTTING_DOWN);
        } catch (RuntimeException e) {
            end(StatusTranslator.toStatus(e));
        }
    }

    /** The checks that decide whether the stream can go on at all. */
    private void checkStream(IngestMetricsRequest request) {
        if (writerId == null) {
            writerId = MetricService.writerId(request.getWriterId());
        } else if (!writerId.equals(request.getWriterId())) {
            throw new InvalidArgumentException(
                    "writer_id",
                    "must stay " + Quote.of(writerId) + " for the whole stream, is " + Quote.of(request.getWriterId()));
        }
        if (request.getSequence() <= lastSequence) {
            throw new InvalidArgumentException(
                    "sequence", "must grow from batch to batch: " + request.getSequence() + " follows " + lastSequence);
        }
        lastSequence = request.getSequence();
    }

    /** Runs on a worker: commits (or rejects) the batch, acknowledges it, and asks for the next one. */
    private void commit(IngestMetricsRequest request) {
        synchronized (this) {
            queued = false;
            if (ended) {
                return;
            }
            committing = true;
        }
        IngestMetricsResponse ack = null;
        RuntimeException failure = null;
        try {
            ack = acknowledgement(request);
        } catch (RuntimeException e) {
            failure = e;
        }
        boolean cancelledMeanwhile;
        Status then = null;
        synchronized (this) {
            committing = false;
            cancelledMeanwhile = ended;
            if (!ended && ack != null) {
                responses.onNext(ack);
                then = drainStatus != null ? drainStatus : halfClosed ? Status.OK : null;
            }
        }
        if (cancelledMeanwhile) {
            // The budget kept this batch's bytes until the commit ended.
            release();
        } else if (failure != null) {
            end(StatusTranslator.toStatus(failure));
        } else {
            ticket.done();
            if (then != null) {
                end(then);
            } else {
                ticket.requestNext(this::readNext);
            }
        }
    }

    private IngestMetricsResponse acknowledgement(IngestMetricsRequest request) {
        MetricService.Outcome outcome;
        try {
            outcome = service.ingest(batch(request));
        } catch (InvalidArgumentException unreadable) {
            outcome = service.reject(writerId, request.getSequence(), unreadable);
        }
        IngestMetricsResponse.Builder ack = IngestMetricsResponse.newBuilder()
                .setAcknowledgedSequence(request.getSequence())
                .setStoredPoints(outcome.storedPoints());
        if (outcome.rejection() != null) {
            Status status = StatusTranslator.toStatus(outcome.rejection());
            ack.addRejectedBatches(RejectedBatch.newBuilder()
                    .setSequence(request.getSequence())
                    .setCode(status.getCode().value())
                    .setMessage(status.getDescription()));
        }
        return ack.build();
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
    public void onError(Throwable t) {
        // The client went away (also reported to the cancel handler); what was committed stays, and it resends the
        // rest.
        cancelled();
    }

    @Override
    public void onCompleted() {
        boolean now;
        synchronized (this) {
            if (ended) {
                return;
            }
            halfClosed = true;
            now = !queued && !committing;
        }
        if (now) {
            end(Status.OK);
        }
    }

    /** The client cancelled, its deadline passed, or its connection broke. */
    private void cancelled() {
        boolean releaseNow;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            // A batch being committed keeps its bytes in the budget until the commit ends.
            releaseNow = !committing;
        }
        if (releaseNow) {
            release();
        }
    }

    /**
     * Ends the stream with {@code status} once the batch being committed (if any) is
     * acknowledged; a batch that waits for a worker is dropped unacknowledged.
     */
    void drain(Status status) {
        synchronized (this) {
            if (ended) {
                return;
            }
            drainStatus = status;
            if (committing) {
                return;
            }
        }
        end(status);
    }

    /** Ends the call with {@code status} (OK: completes it), unless it has ended already. */
    private void end(Status status) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            if (status.isOk()) {
                responses.onCompleted();
            } else {
                responses.onError(StatusTranslator.capped(status).asRuntimeException());
            }
        }
        release();
    }

    private void release() {
        ticket.close();
        streams.ended(this);
    }
}
