package io.trialgraph.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The packaged service ({@code target/trialgraph serve}, the launcher a user runs) in a process of
 * its own, on free ports, with its data in a folder the test owns: started, probed, stopped with
 * SIGTERM or killed with SIGKILL, and started again on the same data.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Path LAUNCHER = Path.of("target", "trialgraph");

    private final Path dir;
    private final Map<String, String> environment;
    private final String javaOptions;
    private final int grpcPort;
    private final int managementPort;
    private ManagedChannel channel;
    private Process process;
    private int starts;

    /**
     * @param dir the working folder: the data goes to {@code dir/graph}, the logs to {@code dir/service-N.log}
     * @param javaOptions JVM options ({@code TRIALGRAPH_JAVA_OPTS}), e.g. {@code -Xmx1g}
     * @param settings more environment variables
     */
    public ServiceProcess(Path dir, String javaOptions, Map<String, String> settings) throws IOException {
        this.dir = dir;
        this.javaOptions = javaOptions;
        this.grpcPort = freePort();
        this.managementPort = freePort();
        this.environment = new HashMap<>(Map.of(
                "GRPC_SERVER_PORT", Integer.toString(grpcPort),
                "TRIALGRAPH_MANAGEMENT_PORT", Integer.toString(managementPort),
                "NEO4J_EMBEDDED_BOLT_PORT", Integer.toString(freePort()),
                // never the default 8080: two test runs on one machine would race for it
                "TRIALGRAPH_HTTP_PORT", Integer.toString(freePort()),
                "NEO4J_EMBEDDED_DATA_DIR", dir.resolve("graph").toString(),
                "NEO4J_EMBEDDED_PAGE_CACHE_SIZE", "64MB"));
        environment.putAll(settings);
    }

    /** Starts the service (again, on the same data and ports, after a stop or a kill). */
    public ServiceProcess start() throws IOException {
        assertThat(LAUNCHER)
                .as("the launcher next to the packaged jar (mvn package runs before the integration tests)")
                .isExecutable();
        ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toAbsolutePath().toString(), "serve");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("TRIALGRAPH_JAVA_OPTS", javaOptions);
        builder.environment().putAll(environment);
        starts++;
        builder.directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log().toFile());
        process = builder.start();
        return this;
    }

    /** @return the log of the current (or last) start */
    public Path log() {
        return dir.resolve("service-" + starts + ".log");
    }

    /**
     * Waits until health answers SERVING (a channel that failed to connect is replaced, so a
     * client's reconnect back-off does not stretch the wait) and returns how long it took.
     */
    public Duration awaitServing(Duration limit) throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + limit.toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(process.isAlive()).as("service running; log %s", log()).isTrue();
            try {
                ServingStatus status = HealthGrpc.newBlockingStub(channel())
                        .withDeadlineAfter(2, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance())
                        .getStatus();
                if (status == ServingStatus.SERVING) {
                    return Duration.ofNanos(System.nanoTime() - started);
                }
            } catch (StatusRuntimeException notYet) {
                resetChannel();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not SERVING within " + limit + "; log " + log());
    }

    /** @return a plaintext channel to the service's gRPC port */
    public synchronized ManagedChannel channel() {
        if (channel == null) {
            channel = ManagedChannelBuilder.forAddress("127.0.0.1", grpcPort)
                    .usePlaintext()
                    .maxInboundMessageSize(64 * 1024 * 1024)
                    .build();
        }
        return channel;
    }

    private synchronized void resetChannel() {
        if (channel != null) {
            channel.shutdownNow();
            channel = null;
        }
    }

    public int grpcPort() {
        return grpcPort;
    }

    public ManagementPort management() {
        return new ManagementPort(managementPort);
    }

    public Process process() {
        return process;
    }

    /** @return the JVM's command line, as the operating system shows it */
    public List<String> commandLine() {
        return process.info().arguments().map(List::of).orElse(List.of());
    }

    /** @return the file descriptors the process has open now (Linux: {@code /proc/PID/fd}) */
    public long openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
            return fds.count();
        }
    }

    /** SIGKILL: no shutdown hook, no flush; what was committed must survive. */
    public void kill() throws InterruptedException {
        resetChannel();
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("killed").isTrue();
    }

    /** SIGTERM, then waits for the process to exit; returns its exit code. */
    public int terminate(Duration limit) throws InterruptedException {
        process.destroy();
        assertThat(process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS))
                .as("exited within %s of SIGTERM", limit)
                .isTrue();
        resetChannel();
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        resetChannel();
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
