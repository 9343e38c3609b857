package io.trialgraph.bench;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.trialgraph.TrialGraphServer;
import io.trialgraph.neo4j.EmbeddedPassword;
import io.trialgraph.neo4j.Neo4jConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Logging;

/** What every benchmark needs: a real server on a fresh embedded Neo4j, a channel, statistics. */
final class BenchmarkSupport {

    private BenchmarkSupport() {}

    /** A server with its own embedded Neo4j in a fresh temporary folder. */
    static TrialGraphServer startServer(Path dataDir, Map<String, Object> extra) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("grpc.server.port", 0);
        settings.put("trialgraph.management.port", 0);
        settings.put("trialgraph.http.port", 0);
        settings.put("neo4j.embedded.data-dir", dataDir.toString());
        settings.put("neo4j.embedded.bolt-port", 0);
        settings.put("neo4j.embedded.page-cache-size", "2GB");
        settings.put("grpc.server.max-inbound-message-size", 64 * 1024 * 1024);
        settings.putAll(extra);
        return TrialGraphServer.start(settings);
    }

    /** A driver of the server's embedded Neo4j, logged in as any Bolt client would: with the password from its file. */
    static Driver boltDriver(TrialGraphServer server) {
        Neo4jConnection neo4j = server.context().getBean(Neo4jConnection.class);
        try {
            String password =
                    Files.readString(neo4j.embeddedPasswordFile().orElseThrow()).strip();
            return GraphDatabase.driver(
                    neo4j.boltUri(),
                    AuthTokens.basic(EmbeddedPassword.USER, password),
                    Config.builder().withLogging(Logging.slf4j()).build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ManagedChannel channel(TrialGraphServer server) {
        return ManagedChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
                .usePlaintext()
                .maxInboundMessageSize(64 * 1024 * 1024)
                .build();
    }

    static Path temporaryFolder(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bytes of all regular files below {@code folder}. */
    static long size(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(file -> {
                        try {
                            return Files.size(file);
                        } catch (IOException e) {
                            return 0;
                        }
                    })
                    .sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The p-th percentile (0-100) by nearest rank. */
    static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
