package io.trialgraph.bench;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.api.v1.IngestMetricsResponse;
import io.trialgraph.api.v1.MetricSeries;
import io.trialgraph.api.v1.MetricServiceGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Metric writers for the analytics benchmark: {@code streams} IngestMetrics streams, stream
 * {@code s} writing to components {@code s, s + streams, ...} of a list in turn, one component's
 * metrics a batch, the next steps each time, at most four batches unacknowledged a stream, with
 * an optional pause between batches (a live experiment) or none (throughput).
 */
final class BenchIngest implements AutoCloseable {

    private static final int IN_FLIGHT = 4;

    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong points = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final CountDownLatch done;
    private final List<Thread> senders = new ArrayList<>();
    private final long started = System.nanoTime();

    /**
     * @param batchesPerStream batches each stream sends, or 0 to send until {@link #close()}
     * @param firstStep the step of the first point of every component
     */
    BenchIngest(
            ManagedChannel channel,
            String runId,
            int streams,
            List<String> components,
            List<String> metrics,
            int stepsPerBatch,
            long firstStep,
            long pauseMillis,
            long batchesPerStream) {
        this.done = new CountDownLatch(streams);
        for (int s = 0; s < streams; s++) {
            int stream = s;
            Semaphore window = new Semaphore(IN_FLIGHT);
            StreamObserver<IngestMetricsRequest> requests = MetricServiceGrpc.newStub(channel)
                    .ingestMetrics(new StreamObserver<>() {
                        @Override
                        public void onNext(IngestMetricsResponse response) {
                            window.release();
                        }

                        @Override
                        public void onError(Throwable t) {
                            t.printStackTrace();
                            done.countDown();
                        }

                        @Override
                        public void onCompleted() {
                            done.countDown();
                        }
                    });
            Thread sender = new Thread(
                    () -> {
                        long[] next = new long[components.size()];
                        java.util.Arrays.fill(next, firstStep);
                        try {
                            int component = stream;
                            for (long sequence = 1;
                                    !stop.get() && (batchesPerStream == 0 || sequence <= batchesPerStream);
                                    sequence++) {
                                window.acquire();
                                IngestMetricsRequest.Builder batch = IngestMetricsRequest.newBuilder()
                                        .setWriterId(runId + "-" + stream)
                                        .setSequence(sequence);
                                double quality = (component * 7919L % 1000) / 1000.0;
                                for (int m = 0; m < metrics.size(); m++) {
                                    MetricSeries.Builder series = MetricSeries.newBuilder()
                                            .setTrialComponentName(components.get(component))
                                            .setMetricName(metrics.get(m));
                                    for (long step = next[component]; step < next[component] + stepsPerBatch; step++) {
                                        series.addSteps(step)
                                                .addValues(quality * (1 - Math.exp(-step / 200.0)) + m * 0.01);
                                    }
                                    batch.addSeries(series);
                                }
                                next[component] += stepsPerBatch;
                                synchronized (requests) {
                                    requests.onNext(batch.build());
                                }
                                points.addAndGet((long) stepsPerBatch * metrics.size());
                                batches.incrementAndGet();
                                component += streams;
                                if (component >= components.size()) {
                                    component = stream;
                                }
                                if (pauseMillis > 0) {
                                    Thread.sleep(pauseMillis);
                                }
                            }
                            window.acquire(IN_FLIGHT);
                            synchronized (requests) {
                                requests.onCompleted();
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "bench-ingest-" + runId + "-" + s);
            senders.add(sender);
            sender.start();
        }
    }

    /** Waits until every stream has sent its batches and had them acknowledged. */
    void await() throws InterruptedException {
        if (!done.await(60, TimeUnit.MINUTES)) {
            throw new IllegalStateException("ingest did not finish");
        }
    }

    /** @return points sent (and, after {@link #await}, acknowledged) per second since the start */
    double pointsPerSecond() {
        return points.get() / ((System.nanoTime() - started) / 1e9);
    }

    /** @return batches (commits) per second since the start */
    double batchesPerSecond() {
        return batches.get() / ((System.nanoTime() - started) / 1e9);
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        await();
    }
}
