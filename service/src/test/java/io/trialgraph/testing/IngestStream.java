package io.trialgraph.testing;

import static org.assertj.core.api.Assertions.fail;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.api.v1.IngestMetricsResponse;
import io.trialgraph.api.v1.MetricServiceGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One IngestMetrics stream driven by a test: responses and the end of the call land in one queue.
 * Every wait on it fails the test after {@value #TIMEOUT_SECONDS} s; the call itself has a
 * deadline of five times that.
 */
public final class IngestStream {

    /** The longest any single wait on the stream may take. */
    public static final long TIMEOUT_SECONDS = 60;

    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final List<IngestMetricsResponse> responses = new ArrayList<>();
    private volatile ClientCallStreamObserver<IngestMetricsRequest> requests;
    private Status end;

    private IngestStream() {
    }

    public static IngestStream open(Channel channel) {
        IngestStream stream = new IngestStream();
        MetricServiceGrpc.newStub(channel).withDeadlineAfter(5 * TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .ingestMetrics(new ClientResponseObserver<IngestMetricsRequest, IngestMetricsResponse>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<IngestMetricsRequest> requestStream) {
                        stream.requests = requestStream;
                    }

                    @Override
                    public void onNext(IngestMetricsResponse value) {
                        stream.events.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        stream.events.add(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        stream.events.add(Status.OK);
                    }
                });
        return stream;
    }

    public IngestStream send(IngestMetricsRequest request) {
        requests.onNext(request);
        return this;
    }

    public IngestStream sendAll(List<IngestMetricsRequest> batch) {
        batch.forEach(this::send);
        return this;
    }

    /** Every response received so far, in order. */
    public List<IngestMetricsResponse> responses() {
        return responses;
    }

    /** The highest acknowledged sequence received so far (0 before any). */
    public long acknowledged() {
        return responses.isEmpty() ? 0 : responses.get(responses.size() - 1).getAcknowledgedSequence();
    }

    /**
     * Waits until a response acknowledges {@code sequence} (or more) and returns the responses
     * that arrived meanwhile; fails the test when the stream ends or nothing comes in time.
     */
    public List<IngestMetricsResponse> awaitAck(long sequence) {
        List<IngestMetricsResponse> received = new ArrayList<>();
        while (acknowledged() < sequence) {
            Object event = poll();
            if (event instanceof Status status) {
                end = status;
                fail("the ingest stream ended with " + status + " while waiting for the acknowledgement of sequence "
                        + sequence + " (last acknowledged: " + acknowledged() + ")");
            }
            IngestMetricsResponse response = (IngestMetricsResponse) event;
            responses.add(response);
            received.add(response);
        }
        return received;
    }

    /** Sends the batches and waits for the acknowledgement of the last one. */
    public List<IngestMetricsResponse> sendAndAwait(List<IngestMetricsRequest> batches) {
        sendAll(batches);
        return awaitAck(batches.get(batches.size() - 1).getSequence());
    }

    public List<IngestMetricsResponse> sendAndAwait(IngestMetricsRequest... batches) {
        return sendAndAwait(List.of(batches));
    }

    /**
     * Waits for the end of the call (responses that come first are kept) and returns its
     * status: OK when the server completed it.
     */
    public Status awaitEnd() {
        while (end == null) {
            Object event = poll();
            if (event instanceof Status status) {
                end = status;
            } else {
                responses.add((IngestMetricsResponse) event);
            }
        }
        return end;
    }

    /** Half-closes the stream and waits for the server to end it. */
    public Status complete() {
        requests.onCompleted();
        return awaitEnd();
    }

    public void cancel() {
        requests.cancel("test cancels the stream", null);
    }

    private Object poll() {
        try {
            Object event = events.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (event == null) {
                fail("no answer on the ingest stream within " + TIMEOUT_SECONDS + " s (last acknowledged: "
                        + acknowledged() + ")");
            }
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
