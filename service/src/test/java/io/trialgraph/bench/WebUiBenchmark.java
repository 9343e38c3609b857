package io.trialgraph.bench;

import io.grpc.ManagedChannel;
import io.trialgraph.TrialGraphServer;
import io.trialgraph.client.MetricLogger;
import io.trialgraph.client.TrialGraphClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in headless Chromium against a local server: the 10,000-trial experiment page
 * (first rows visible after navigation, repaint after sorting by another metric), a chart of 18
 * curves x 1,200 points (request to paint), and the lag of live points while other writers
 * ingest in the background. Times are taken in the page (performance.now(), Date.now()).
 */
final class WebUiBenchmark {

    private static final int RUNS = 15;

    private WebUiBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path data = BenchmarkSupport.temporaryFolder("trialgraph-bench-web");
        Path profile = Files.createTempDirectory("trialgraph-bench-chromium");
        try (TrialGraphServer server = BenchmarkSupport.startServer(data, Map.of())) {
            ManagedChannel channel = BenchmarkSupport.channel(server);
            AnalyticsBenchmark.build(server, channel);
            try (TrialGraphClient client = TrialGraphClient.builder()
                    .target("127.0.0.1:" + server.grpcPort())
                    .plaintext()
                    .deadline(Duration.ofSeconds(300))
                    .build()) {
                client.createExperiment("curves", "", Map.of());
                client.createTrial("curves", "curves-1", Map.of());
                try (MetricLogger logger =
                        MetricLogger.builder(client.channel()).build()) {
                    for (int c = 0; c < 18; c++) {
                        client.createTrialComponent("curve-" + c, "training", "curves-1");
                        for (int step = 0; step < 1_200; step++) {
                            logger.log("curve-" + c, "val_acc", step, Math.log1p(step) / 8 + c * 0.01);
                        }
                    }
                    client.createTrialComponent("live-job", "training", "curves-1");
                    logger.log("live-job", "val_acc", 0, 0.1);
                    logger.flush(Duration.ofSeconds(120));
                }
                String base = "http://127.0.0.1:" + server.httpPort() + "/";
                ChromeDriver browser = browser(profile);
                try {
                    JavascriptExecutor js = browser;
                    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(180));
                    double[] firstRows = new double[RUNS];
                    double[] sortRepaint = new double[RUNS];
                    for (int i = 0; i < RUNS; i++) {
                        browser.get("about:blank");
                        browser.get(base + "#/experiments/big");
                        wait.until(d -> !d.findElements(By.cssSelector("#table tbody tr"))
                                .isEmpty());
                        firstRows[i] = ((Number) js.executeScript("return performance.now()")).doubleValue();
                        String column = i % 2 == 0 ? "metrics.val_acc.last" : "metrics.loss.last";
                        sortRepaint[i] = ((Number) js.executeAsyncScript("""
                                const done = arguments[arguments.length - 1];
                                const body = document.querySelector('#table tbody');
                                const before = body.firstChild;
                                const started = performance.now();
                                document.querySelector("#table th button[data-column='" + arguments[0] + "']").click();
                                (function check() {
                                  if (document.querySelector('#table tbody').firstChild !== before) {
                                    requestAnimationFrame(() => done(performance.now() - started));
                                  } else { setTimeout(check, 1); }
                                })();""", column)).doubleValue();
                    }
                    print("experiment page of 10,000 trials: navigation to first rows visible", firstRows);
                    print(
                            "  baseline: the page's API request alone (Java HTTP client)",
                            api(base + "api/v1/experiments/big/table?page_size=100"));
                    print("sort by another metric: click to repaint", sortRepaint);
                    print(
                            "  baseline: the sorted page's API request alone",
                            api(base + "api/v1/experiments/big/table?page_size=100&sort=metrics.val_acc.last:desc"));

                    double[] chart = new double[RUNS];
                    browser.get(base + "#/experiments/curves");
                    wait.until(d ->
                            d.findElements(By.cssSelector("#table tbody tr")).size() >= 19);
                    js.executeScript("""
                            document.querySelectorAll('#table tbody tr').forEach(row => {
                              const name = row.querySelector('a').textContent;
                              if (name.startsWith('curve-')) row.querySelector('input.select-row').click();
                            });
                            document.getElementById('chart-metric').value = 'val_acc';""");
                    for (int i = 0; i < RUNS; i++) {
                        js.executeScript("delete document.getElementById('chart').dataset.paintMs;"
                                + " document.getElementById('chart-selected').click()");
                        wait.until(d -> d.findElement(By.id("chart")).getDomAttribute("data-paint-ms") != null);
                        chart[i] = Double.parseDouble(
                                browser.findElement(By.id("chart")).getDomAttribute("data-paint-ms"));
                    }
                    String points = browser.findElement(By.id("chart")).getDomAttribute("data-points");
                    print("chart of 18 curves (" + points + " x values): request to paint", chart);
                    StringBuilder curves = new StringBuilder(base + "api/v1/series?metric=val_acc&max_points=1400");
                    for (int c = 0; c < 18; c++) {
                        curves.append("&component=curve-").append(c);
                    }
                    print("  baseline: the chart's API request alone", api(curves.toString()));

                    double[] lag = liveLag(browser, client, wait, base);
                    print("live point: acknowledged to shown, while 4 writers ingest in the background", lag);
                } finally {
                    browser.quit();
                }
            }
            channel.shutdownNow();
        } finally {
            BenchmarkSupport.delete(data);
            BenchmarkSupport.delete(profile);
        }
    }

    private static double[] liveLag(ChromeDriver browser, TrialGraphClient client, WebDriverWait wait, String base)
            throws Exception {
        JavascriptExecutor js = browser;
        browser.get(base + "#/experiments/curves");
        wait.until(d -> d.findElements(By.cssSelector("#table tbody tr")).size() >= 19);
        js.executeScript("""
                document.querySelectorAll('#table tbody tr').forEach(row => {
                  if (row.querySelector('a').textContent === 'live-job') row.querySelector('input.select-row').click();
                });
                document.getElementById('chart-metric').value = 'val_acc';
                document.getElementById('chart-selected').click();""");
        wait.until(d -> d.findElement(By.id("chart")).getDomAttribute("data-points") != null);
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> writers = new ArrayList<>();
        long[] written = new long[4];
        for (int w = 0; w < 4; w++) {
            int writer = w;
            client.createTrialComponent("background-" + w, "training", "curves-1");
            Thread thread = new Thread(() -> {
                try (MetricLogger logger =
                        MetricLogger.builder(client.channel()).build()) {
                    long step = 0;
                    while (running.get()) {
                        for (int i = 0; i < 10_000; i++) {
                            logger.log("background-" + writer, "loss", step++, 1.0 / step);
                        }
                    }
                    logger.flush(Duration.ofSeconds(60));
                    written[writer] = step;
                }
            });
            thread.start();
            writers.add(thread);
        }
        long started = System.nanoTime();
        double[] lag = new double[RUNS * 2];
        try (MetricLogger logger =
                MetricLogger.builder(client.channel()).linger(Duration.ZERO).build()) {
            for (int i = 0; i < lag.length; i++) {
                long step = i + 1;
                logger.log("live-job", "val_acc", step, 0.1 + step * 0.001);
                logger.flush(Duration.ofSeconds(60));
                long acknowledged = System.currentTimeMillis();
                new WebDriverWait(browser, Duration.ofSeconds(30))
                        .until(d -> String.valueOf(step)
                                .equals(d.findElement(By.id("chart")).getDomAttribute("data-last-live-step")));
                lag[i] = Long.parseLong(browser.findElement(By.id("chart")).getDomAttribute("data-last-live-at"))
                        - acknowledged;
                Thread.sleep(300);
            }
        } finally {
            running.set(false);
            for (Thread thread : writers) {
                thread.join();
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long total = 0;
        for (long w : written) {
            total += w;
        }
        System.out.printf(
                Locale.ROOT, "background ingest during the live measurement: %,.0f points/s%n", total / seconds);
        return lag;
    }

    /** Times a GET of the API from Java: what the page costs beyond the server's answer. */
    private static double[] api(String url) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .GET()
                .build();
        double[] millis = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long started = System.nanoTime();
            java.net.http.HttpResponse<byte[]> response =
                    http.send(request, java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            millis[i] = (System.nanoTime() - started) / 1e6;
            if (response.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + response.statusCode());
            }
        }
        return millis;
    }

    private static void print(String what, double[] millis) {
        System.out.printf(
                Locale.ROOT,
                "%-80s p50 %8.1f ms  p99 %8.1f ms  (%d runs)%n",
                what,
                BenchmarkSupport.median(millis),
                BenchmarkSupport.percentile(millis, 99),
                millis.length);
    }

    private static ChromeDriver browser(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getenv().getOrDefault("TRIALGRAPH_CHROMIUM", "/usr/bin/chromium"));
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1400,1000",
                "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File(
                        System.getenv().getOrDefault("TRIALGRAPH_CHROMEDRIVER", "/usr/bin/chromedriver")))
                .usingAnyFreePort()
                .build();
        // A loaded machine may take a while to answer a command: wait for it rather than give up.
        return new ChromeDriver(
                service,
                options,
                org.openqa.selenium.remote.http.ClientConfig.defaultConfig().readTimeout(Duration.ofMinutes(5)));
    }
}
