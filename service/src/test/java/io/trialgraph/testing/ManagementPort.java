package io.trialgraph.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Predicate;

/**
 * A real HTTP client of a server's management port: plain GETs, and {@code /prometheus} read
 * into samples (name, labels, value) as a scraper would.
 */
public final class ManagementPort {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    public ManagementPort(int port) {
        this.port = port;
    }

    /** GETs a path on the management port. */
    public HttpResponse<String> get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " on the management port " + port + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Scrapes {@code /prometheus} once. */
    public Scrape scrape() {
        HttpResponse<String> response = get("/prometheus");
        assertThat(response.statusCode()).as("GET /prometheus").isEqualTo(200);
        return new Scrape(response.body());
    }

    /**
     * Scrapes until {@code condition} holds (meters recorded when a call completes may trail the
     * caller's answer by a moment) and returns that scrape; fails after 10 s.
     */
    public Scrape scrapeUntil(Predicate<Scrape> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Scrape scrape = scrape();
        while (!condition.test(scrape) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            scrape = scrape();
        }
        return scrape;
    }

    /** One scrape in the Prometheus text format. */
    public record Scrape(String text) {

        /**
         * @return the value of the sample with this name whose labels include all of {@code labels},
         *     summed over the samples that match (empty when none does)
         */
        public OptionalDouble value(String name, Map<String, String> labels) {
            boolean found = false;
            double sum = 0;
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int brace = line.indexOf('{');
                int space = line.lastIndexOf(' ');
                String sampleName = brace < 0 ? line.substring(0, space) : line.substring(0, brace);
                if (!sampleName.equals(name)) {
                    continue;
                }
                Map<String, String> sampleLabels = brace < 0 ? Map.of() : labels(line.substring(brace + 1, line.lastIndexOf('}')));
                if (sampleLabels.entrySet().containsAll(labels.entrySet())) {
                    found = true;
                    sum += Double.parseDouble(line.substring(space + 1));
                }
            }
            return found ? OptionalDouble.of(sum) : OptionalDouble.empty();
        }

        /** @return the value of the sample with this name; fails the test when there is none */
        public double require(String name) {
            OptionalDouble value = value(name, Map.of());
            assertThat(value).as("sample " + name + " in the scrape").isPresent();
            return value.getAsDouble();
        }

        /** @return the value of the sample with this name (0 when there is none yet) */
        public double valueOrZero(String name, Map<String, String> labels) {
            return value(name, labels).orElse(0);
        }

        private static Map<String, String> labels(String text) {
            Map<String, String> labels = new HashMap<>();
            // Our label values hold no quotes or commas: method names, status codes, tags.
            for (String pair : text.split(",")) {
                int equals = pair.indexOf('=');
                if (equals > 0) {
                    labels.put(pair.substring(0, equals).trim(), pair.substring(equals + 2, pair.length() - 1));
                }
            }
            return labels;
        }
    }
}
