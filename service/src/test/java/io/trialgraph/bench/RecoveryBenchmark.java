package io.trialgraph.bench;

import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.trialgraph.api.v1.CreateTrialComponentRequest;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.api.v1.IngestMetricsResponse;
import io.trialgraph.api.v1.MetricSeries;
import io.trialgraph.api.v1.MetricServiceGrpc;
import io.trialgraph.api.v1.TrialComponent;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.testing.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Crash recovery of the packaged service: 8 writers stream metrics, the process is killed
 * (SIGKILL) and started again on the same data; the figure is the time from the new start to
 * health SERVING. The baseline, in the same run and on the same data: a restart after a clean
 * stop (SIGTERM).
 *
 * <p>Run: {@code ./mvnw -q -pl service -am -Pbench -DskipTests verify -Dbench=recovery}
 * (options: {@code -Dbench.repeats=3 -Dbench.ingestSeconds=30}).
 */
public final class RecoveryBenchmark {

    private static final int WRITERS = 8;
    private static final int BATCH_POINTS = 10_000;

    private RecoveryBenchmark() {}

    public static void main(String[] args) throws Exception {
        int repeats = Integer.getInteger("bench.repeats", 3);
        int ingestSeconds = Integer.getInteger("bench.ingestSeconds", 30);
        System.out.printf(
                Locale.ROOT,
                "Crash recovery: the packaged service (-Xmx1g), %d writers streaming %,d-point batches "
                        + "for %d s, then SIGKILL and a new start; median of %d runs%n",
                WRITERS,
                BATCH_POINTS,
                ingestSeconds,
                repeats);
        double[] recovery = new double[repeats];
        double[] clean = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            Path dir = BenchmarkSupport.temporaryFolder("trialgraph-bench-recovery");
            try (ServiceProcess service = new ServiceProcess(dir, "-Xmx1g", Map.of())) {
                service.start();
                service.awaitServing(Duration.ofMinutes(5));
                long points = ingest(service, ingestSeconds);
                long logBytes = BenchmarkSupport.size(dir.resolve("graph/data/transactions"));
                service.kill();
                recovery[r] = restart(service);
                service.terminate(Duration.ofMinutes(2));
                clean[r] = restart(service);
                System.out.printf(
                        Locale.ROOT,
                        "run %d: %,d points acknowledged, transaction logs %,d MB at the kill; "
                                + "SERVING after SIGKILL in %.1f s, after SIGTERM in %.1f s%n",
                        r + 1,
                        points,
                        logBytes >> 20,
                        recovery[r],
                        clean[r]);
            } finally {
                BenchmarkSupport.delete(dir);
            }
        }
        System.out.printf(Locale.ROOT, "%-52s %10s%n", "start on the same data", "median s");
        System.out.printf(
                Locale.ROOT,
                "%-52s %10.1f%n",
                "after SIGKILL during ingest (recovery)",
                BenchmarkSupport.median(recovery));
        System.out.printf(
                Locale.ROOT, "%-52s %10.1f%n", "baseline: after SIGTERM (clean stop)", BenchmarkSupport.median(clean));
    }

    private static double restart(ServiceProcess service) throws Exception {
        long started = System.nanoTime();
        service.start();
        service.awaitServing(Duration.ofMinutes(10));
        return (System.nanoTime() - started) / 1e9;
    }

    /** Streams from {@link #WRITERS} writers for {@code seconds}; returns the points acknowledged. */
    private static long ingest(ServiceProcess service, int seconds) throws Exception {
        TrialComponentServiceGrpc.TrialComponentServiceBlockingStub components =
                TrialComponentServiceGrpc.newBlockingStub(service.channel());
        AtomicLong acknowledged = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> senders = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            String name = "recovery-" + w;
            components.createTrialComponent(CreateTrialComponentRequest.newBuilder()
                    .setTrialComponent(TrialComponent.newBuilder().setName(name).setKind("training"))
                    .build());
            Semaphore window = new Semaphore(4);
            AtomicBoolean ended = new AtomicBoolean();
            ClientCallStreamObserver<IngestMetricsRequest>[] requests = new ClientCallStreamObserver[1];
            MetricServiceGrpc.newStub(service.channel())
                    .ingestMetrics(new ClientResponseObserver<IngestMetricsRequest, IngestMetricsResponse>() {
                        @Override
                        public void beforeStart(ClientCallStreamObserver<IngestMetricsRequest> stream) {
                            requests[0] = stream;
                        }

                        @Override
                        public void onNext(IngestMetricsResponse response) {
                            acknowledged.addAndGet(response.getStoredPoints());
                            window.release();
                        }

                        @Override
                        public void onError(Throwable t) {
                            ended.set(true);
                            window.release(4);
                        }

                        @Override
                        public void onCompleted() {
                            ended.set(true);
                        }
                    });
            Thread sender = new Thread(() -> {
                try {
                    for (long s = 1; !stop.get() && !ended.get(); s++) {
                        window.acquire();
                        MetricSeries.Builder series = MetricSeries.newBuilder()
                                .setTrialComponentName(name)
                                .setMetricName("loss");
                        for (int i = 0; i < BATCH_POINTS; i++) {
                            long step = (s - 1) * BATCH_POINTS + i;
                            series.addSteps(step).addValues(Math.exp(-step / 1e6));
                        }
                        requests[0].onNext(IngestMetricsRequest.newBuilder()
                                .setWriterId(name)
                                .setSequence(s)
                                .addSeries(series)
                                .build());
                    }
                } catch (InterruptedException | RuntimeException e) {
                    // killed under it
                }
            });
            sender.setDaemon(true);
            sender.start();
            senders.add(sender);
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        return acknowledged.get();
    }
}
