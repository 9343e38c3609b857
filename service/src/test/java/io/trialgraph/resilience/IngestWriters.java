package io.trialgraph.resilience;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.trialgraph.api.v1.CreateTrialComponentRequest;
import io.trialgraph.api.v1.GetMetricSummariesRequest;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.api.v1.IngestMetricsResponse;
import io.trialgraph.api.v1.MetricSeries;
import io.trialgraph.api.v1.MetricServiceGrpc;
import io.trialgraph.api.v1.TrialComponent;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Metric writers as training jobs are: each streams batches of {@code points} points of its own
 * component ({@code <prefix>-<n>}, metric {@code loss}, steps counting up), keeps at most four
 * unacknowledged, and remembers the last sequence acknowledged and how its stream ended.
 */
final class IngestWriters {

    static final String METRIC = "loss";
    private static final int IN_FLIGHT = 4;

    private final int points;
    private final int components;
    private final List<Writer> writers = new ArrayList<>();

    /** Writers that each have a component of their own. */
    IngestWriters(String prefix, int writers, int points) {
        this(prefix, writers, writers, points);
    }

    /** Writers {@code <prefix>-<n>} writing to {@code components} components, the metric {@code loss-<n>} each. */
    IngestWriters(String prefix, int writers, int components, int points) {
        this.points = points;
        this.components = components;
        for (int w = 0; w < writers; w++) {
            this.writers.add(new Writer(
                    prefix + "-" + w,
                    prefix + "-" + (w % components),
                    components == writers ? METRIC : METRIC + "-" + w));
        }
    }

    /** Creates the writers' components. */
    IngestWriters createComponents(Channel channel) {
        TrialComponentServiceGrpc.TrialComponentServiceBlockingStub stub =
                TrialComponentServiceGrpc.newBlockingStub(channel);
        for (Writer writer : writers.subList(0, components)) {
            stub.withDeadlineAfter(60, TimeUnit.SECONDS)
                    .createTrialComponent(CreateTrialComponentRequest.newBuilder()
                            .setTrialComponent(TrialComponent.newBuilder()
                                    .setName(writer.component)
                                    .setKind("training"))
                            .build());
        }
        return this;
    }

    /** Every writer sends from sequence {@code from} on, until {@link #stop()} or until it sent {@code upTo}. */
    void start(Channel channel, long from, long upTo) {
        for (Writer writer : writers) {
            writer.start(channel, from, upTo);
        }
    }

    void stop() {
        writers.forEach(writer -> writer.stopped = true);
    }

    /** Waits until every writer's stream ended; returns how each ended. */
    List<Status> awaitEnd(long seconds) throws Exception {
        List<Status> ends = new ArrayList<>();
        for (Writer writer : writers) {
            ends.add(writer.end.get(seconds, TimeUnit.SECONDS));
        }
        return ends;
    }

    List<Writer> writers() {
        return writers;
    }

    /** The batch {@code sequence} of a writer: steps {@code (sequence - 1) * points} on. */
    IngestMetricsRequest batch(Writer writer, long sequence) {
        MetricSeries.Builder series = MetricSeries.newBuilder()
                .setTrialComponentName(writer.component)
                .setMetricName(writer.metric);
        for (int i = 0; i < points; i++) {
            long step = (sequence - 1) * points + i;
            series.addSteps(step).addValues(Math.exp(-step / 1e5));
        }
        return IngestMetricsRequest.newBuilder()
                .setWriterId(writer.name)
                .setSequence(sequence)
                .addSeries(series)
                .build();
    }

    /** @return the points stored for a writer, as GetMetricSummaries counts them */
    static long stored(Channel channel, String writer) {
        var summaries = MetricServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .getMetricSummaries(GetMetricSummariesRequest.newBuilder()
                        .addTrialComponentNames(writer)
                        .build());
        return summaries.getSummariesCount() == 0
                ? 0
                : summaries.getSummaries(0).getCount();
    }

    final class Writer {
        final String name;
        final String component;
        final String metric;
        final AtomicLong acknowledged = new AtomicLong();
        final AtomicLong sent = new AtomicLong();
        volatile CompletableFuture<Status> end = new CompletableFuture<>();
        private volatile boolean stopped;

        Writer(String name, String component, String metric) {
            this.name = name;
            this.component = component;
            this.metric = metric;
        }

        void start(Channel channel, long from, long upTo) {
            stopped = false;
            CompletableFuture<Status> ended = new CompletableFuture<>();
            end = ended;
            Semaphore window = new Semaphore(IN_FLIGHT);
            ClientCallStreamObserver<IngestMetricsRequest>[] requests = new ClientCallStreamObserver[1];
            MetricServiceGrpc.newStub(channel)
                    .ingestMetrics(new ClientResponseObserver<IngestMetricsRequest, IngestMetricsResponse>() {
                        @Override
                        public void beforeStart(ClientCallStreamObserver<IngestMetricsRequest> stream) {
                            requests[0] = stream;
                        }

                        @Override
                        public void onNext(IngestMetricsResponse response) {
                            acknowledged.accumulateAndGet(response.getAcknowledgedSequence(), Math::max);
                            window.release();
                        }

                        @Override
                        public void onError(Throwable t) {
                            ended.complete(Status.fromThrowable(t));
                            window.release(IN_FLIGHT);
                        }

                        @Override
                        public void onCompleted() {
                            ended.complete(Status.OK);
                        }
                    });
            Thread sender = new Thread(
                    () -> {
                        try {
                            for (long s = from; s <= upTo && !stopped && !ended.isDone(); s++) {
                                while (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                                    if (stopped || ended.isDone()) {
                                        break;
                                    }
                                }
                                if (stopped || ended.isDone()) {
                                    break;
                                }
                                synchronized (requests) {
                                    requests[0].onNext(batch(this, s));
                                }
                                sent.set(s);
                            }
                            if (!ended.isDone()) {
                                synchronized (requests) {
                                    requests[0].onCompleted();
                                }
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } catch (RuntimeException e) {
                            // The call ended under the sender (the server went away): the end says how.
                        }
                    },
                    "writer-" + name);
            sender.setDaemon(true);
            sender.start();
        }
    }
}
