package io.trialgraph.client;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.api.v1.IngestMetricsResponse;
import io.trialgraph.api.v1.MetricSeries;
import io.trialgraph.api.v1.MetricServiceGrpc;
import io.trialgraph.api.v1.RejectedBatch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for trialgraph's IngestMetrics on a real loopback port, with the server's
 * exactly-once bookkeeping (a high-water mark per writer) and a policy that decides per batch
 * what to do: acknowledge, reject, commit and break the stream, break it before committing, stay
 * silent, or fail the stream for good.
 */
final class FakeMetricServer implements AutoCloseable {

    enum Action {
        ACK,
        REJECT,
        COMMIT_THEN_BREAK,
        BREAK_BEFORE_COMMIT,
        SILENT,
        FATAL
    }

    /** Decides what to do with a batch: the index of the stream (0 for the first) and the request. */
    interface Policy {
        Action decide(int stream, IngestMetricsRequest request);
    }

    /** One point as stored. */
    record Point(String component, String metric, long step, double value, long timestamp) {}

    volatile Policy policy = (stream, request) -> Action.ACK;
    /** Milliseconds to wait before each acknowledgement. */
    volatile long ackDelayMillis;
    /** While set and closed, acknowledgements wait for it to open (tests decide when a batch is acknowledged). */
    volatile java.util.concurrent.CountDownLatch ackGate;

    final List<IngestMetricsRequest> received = new CopyOnWriteArrayList<>();
    final List<Point> stored = java.util.Collections.synchronizedList(new ArrayList<>());
    final List<Long> storedSequences = new CopyOnWriteArrayList<>();
    final AtomicInteger streams = new AtomicInteger();
    final AtomicInteger openStreams = new AtomicInteger();
    private final Map<String, Long> highWater = new HashMap<>();
    private final Server server;

    FakeMetricServer() throws IOException {
        this.server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(new Service())
                .build()
                .start();
    }

    int port() {
        return server.getPort();
    }

    ManagedChannel channel() {
        return Grpc.newChannelBuilder("127.0.0.1:" + port(), InsecureChannelCredentials.create())
                .build();
    }

    /** Sequences of every batch received, in order of arrival, resends included. */
    List<Long> receivedSequences() {
        return received.stream().map(IngestMetricsRequest::getSequence).toList();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private final class Service extends MetricServiceGrpc.MetricServiceImplBase {
        @Override
        public StreamObserver<IngestMetricsRequest> ingestMetrics(StreamObserver<IngestMetricsResponse> responses) {
            int stream = streams.getAndIncrement();
            openStreams.incrementAndGet();
            return new StreamObserver<>() {
                private boolean ended;

                @Override
                public synchronized void onNext(IngestMetricsRequest request) {
                    if (ended) {
                        return;
                    }
                    received.add(request);
                    Action action = policy.decide(stream, request);
                    switch (action) {
                        case SILENT -> {
                            return;
                        }
                        case BREAK_BEFORE_COMMIT -> {
                            end(Status.UNAVAILABLE.withDescription("fake: broken before commit"));
                            return;
                        }
                        case FATAL -> {
                            end(Status.INVALID_ARGUMENT.withDescription("fake: sequence must grow"));
                            return;
                        }
                        default -> {}
                    }
                    long storedPoints = 0;
                    IngestMetricsResponse.Builder ack =
                            IngestMetricsResponse.newBuilder().setAcknowledgedSequence(request.getSequence());
                    synchronized (highWater) {
                        long committed = highWater.getOrDefault(request.getWriterId(), 0L);
                        if (request.getSequence() > committed) {
                            if (action == Action.REJECT) {
                                ack.addRejectedBatches(RejectedBatch.newBuilder()
                                        .setSequence(request.getSequence())
                                        .setCode(Status.Code.NOT_FOUND.value())
                                        .setMessage("fake: trial component does not exist"));
                            } else {
                                for (MetricSeries s : request.getSeriesList()) {
                                    for (int i = 0; i < s.getStepsCount(); i++) {
                                        stored.add(new Point(
                                                s.getTrialComponentName(),
                                                s.getMetricName(),
                                                s.getSteps(i),
                                                s.getValues(i),
                                                s.getTimestamps(i)));
                                        storedPoints++;
                                    }
                                }
                                storedSequences.add(request.getSequence());
                            }
                            highWater.put(request.getWriterId(), request.getSequence());
                        }
                    }
                    if (action == Action.COMMIT_THEN_BREAK) {
                        end(Status.UNAVAILABLE.withDescription("fake: broken after commit"));
                        return;
                    }
                    java.util.concurrent.CountDownLatch gate = ackGate;
                    if (gate != null) {
                        try {
                            gate.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    long delay = ackDelayMillis;
                    if (delay > 0) {
                        try {
                            Thread.sleep(delay);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    responses.onNext(ack.setStoredPoints(storedPoints).build());
                }

                private void end(Status status) {
                    ended = true;
                    openStreams.decrementAndGet();
                    responses.onError(status.asRuntimeException());
                }

                @Override
                public synchronized void onError(Throwable t) {
                    if (!ended) {
                        ended = true;
                        openStreams.decrementAndGet();
                    }
                }

                @Override
                public synchronized void onCompleted() {
                    if (!ended) {
                        ended = true;
                        openStreams.decrementAndGet();
                        responses.onCompleted();
                    }
                }
            };
        }
    }

    static List<Long> steps(List<Point> points) {
        List<Long> steps = new ArrayList<>();
        points.forEach(p -> steps.add(p.step()));
        return steps;
    }
}
