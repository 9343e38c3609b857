package io.trialgraph.client;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.api.v1.IngestMetricsResponse;
import io.trialgraph.api.v1.MetricServiceGrpc;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Not a test: measures what {@link MetricLogger#log} costs the calling thread. Times 10M calls
 * (after 3M warm-up calls) with a buffer big enough never to block, three runs each, median:
 * (a) no server listening (the sender only fails to connect), (b) a stand-in server that
 * acknowledges every batch at once (the sender builds and sends requests on the same cores).
 * Run: java -Xmx3g -cp ... io.trialgraph.client.LogCostBenchmark
 */
public final class LogCostBenchmark {

    private static final int CALLS = 10_000_000;

    public static void main(String[] args) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ManagedChannel nowhere = Grpc.newChannelBuilder("127.0.0.1:" + closedPort, InsecureChannelCredentials.create()).build();
        measure("no server, one metric", nowhere, false);
        measure("no server, 4 metrics in turn", nowhere, true);
        nowhere.shutdownNow();

        Server acking = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(new MetricServiceGrpc.MetricServiceImplBase() {
                    @Override
                    public StreamObserver<IngestMetricsRequest> ingestMetrics(StreamObserver<IngestMetricsResponse> responses) {
                        return new StreamObserver<>() {
                            @Override
                            public void onNext(IngestMetricsRequest request) {
                                long points = request.getSeriesList().stream().mapToLong(s -> s.getStepsCount()).sum();
                                responses.onNext(IngestMetricsResponse.newBuilder()
                                        .setAcknowledgedSequence(request.getSequence()).setStoredPoints(points).build());
                            }

                            @Override
                            public void onError(Throwable t) {
                            }

                            @Override
                            public void onCompleted() {
                                responses.onCompleted();
                            }
                        };
                    }
                }).build().start();
        ManagedChannel channel = Grpc.newChannelBuilder("127.0.0.1:" + acking.getPort(), InsecureChannelCredentials.create()).build();
        measure("acknowledging server, one metric", channel, false);
        measure("acknowledging server, 4 metrics in turn", channel, true);
        channel.shutdownNow();
        acking.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static void measure(String what, ManagedChannel channel, boolean rotate) {
        String[] metrics = rotate ? new String[] {"loss", "acc", "val_loss", "val_acc"} : new String[] {"loss"};
        List<Double> nanosPerCall = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
            MetricLogger logger = MetricLogger.builder(channel).bufferPoints(CALLS + 4_000_000L)
                    .reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(5)).build();
            for (int i = 0; i < 3_000_000; i++) {
                logger.log("job", metrics[i & (metrics.length - 1)], i, i);
            }
            long start = System.nanoTime();
            for (int i = 0; i < CALLS; i++) {
                logger.log("job", metrics[i & (metrics.length - 1)], i, i);
            }
            long elapsed = System.nanoTime() - start;
            nanosPerCall.add((double) elapsed / CALLS);
            try {
                logger.close(channel.getState(false) == io.grpc.ConnectivityState.READY ? Duration.ofSeconds(60) : Duration.ZERO);
            } catch (TrialGraphException expected) {
                // no server: the points cannot be delivered
            }
            System.gc();
        }
        Collections.sort(nanosPerCall);
        System.out.printf("%-42s median %.1f ns per log() call (runs: %s)%n", what, nanosPerCall.get(1), nanosPerCall);
    }
}
