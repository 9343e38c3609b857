package io.trialgraph.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.trialgraph.cli.Cifar10Study;
import io.trialgraph.client.ComponentStatus;
import io.trialgraph.client.MetricLogger;
import io.trialgraph.client.TrialComponentSpec;
import io.trialgraph.client.TrialGraphClient;
import io.trialgraph.testing.SeedStudy;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real headless Chromium against a real server holding the seed study (the
 * demo), as a user goes through it: table, sort, filter error, chart of the top 3, lineage of
 * the best model, a Cypher query, and a chart that follows a running job without a reload.
 * Screenshots of each page go to target/screenshots/.
 */
@TrialGraphTest
class WebUiBrowserIT {

    private static final String EXPERIMENT = SeedStudy.EXPERIMENT;

    @Test
    void theReferenceWorkflowInTheBrowser(TestServer server, @TempDir Path profile) throws Exception {
        ChromeDriver browser = Browser.start(profile);
        try (TrialGraphClient client = TrialGraphClient.builder()
                .target("127.0.0.1:" + server.port())
                .plaintext()
                .deadline(Duration.ofSeconds(300))
                .build()) {
            SeedStudy.record(server, Cifar10Study.first());
            String base = "http://127.0.0.1:" + server.httpPort() + "/";
            // The pages re-render as answers arrive: an element read a moment after it was found may be gone.
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            wait.ignoring(StaleElementReferenceException.class);

            browser.get(base);
            wait.until(d -> !d.findElements(By.linkText(EXPERIMENT)).isEmpty());
            Browser.screenshot(browser, "experiments");
            browser.findElement(By.linkText(EXPERIMENT)).click();

            // Sort by the final test accuracy (best first): the hypothesis' winner comes first.
            WebElement sortButton = wait.until(
                    d -> d.findElement(By.cssSelector("#table th button[data-column='metrics.test_acc.last']")));
            sortButton.click();
            wait.until(d -> firstRowName(d).equals("custom-adam-60-training"));
            Browser.screenshot(browser, "experiment");

            // A filter with a syntax error shows where it is.
            WebElement filter = browser.findElement(By.id("filter"));
            filter.sendKeys("params.epochs = ");
            browser.findElement(By.id("apply-filter")).click();
            WebElement error = wait.until(d -> d.findElement(By.id("filter-marker")));
            assertThat(browser.findElement(By.id("filter-error")).getText()).contains("at position 17");
            assertThat(error.findElement(By.tagName("mark")).isDisplayed()).isTrue();
            Browser.screenshot(browser, "filter-error");
            filter.clear();
            browser.findElement(By.id("apply-filter")).click();
            wait.until(d -> d.findElements(By.id("filter-marker")).isEmpty()
                    && firstRowName(d).equals("custom-adam-60-training"));

            // val_acc of the top three on one chart: three series.
            List<WebElement> checkboxes = browser.findElements(By.cssSelector("#table tbody input.select-row"));
            for (int i = 0; i < 3; i++) {
                checkboxes.get(i).click();
            }
            new Select(browser.findElement(By.id("chart-metric"))).selectByValue("val_acc");
            browser.findElement(By.id("chart-selected")).click();
            wait.until(d -> "3".equals(d.findElement(By.id("chart")).getDomAttribute("data-series-count")));
            assertThat(browser.findElements(By.cssSelector("#chart canvas"))).isNotEmpty();
            ((JavascriptExecutor) browser).executeScript("document.getElementById('chart').scrollIntoView()");
            Browser.screenshot(browser, "chart");
            // Parameters against the final test accuracy, one line per row of the page.
            new Select(browser.findElement(By.id("pc-metric"))).selectByValue("metrics.test_acc.last");
            wait.until(d -> "18".equals(d.findElement(By.id("pcoords")).getDomAttribute("data-lines")));
            ((JavascriptExecutor) browser).executeScript("document.getElementById('pcoords').scrollIntoView()");
            Browser.screenshot(browser, "parallel-coordinates");

            // The best model's lineage reaches back to the preprocessing script.
            browser.get(base + "#/lineage?start="
                    + java.net.URLEncoder.encode(
                            "artifact:" + SeedStudy.model("custom-adam-60"), java.nio.charset.StandardCharsets.UTF_8));
            wait.until(d -> d.findElement(By.id("graph")).getDomAttribute("data-nodes") != null);
            assertThat(browser.findElements(By.cssSelector("#node-list li")))
                    .extracting(li -> li.getDomAttribute("data-key"))
                    .contains("artifact:" + SeedStudy.SCRIPT, "component:" + SeedStudy.PREPROCESSING);
            Browser.screenshot(browser, "lineage");

            // The component page of the best job.
            browser.get(base + "#/components/custom-adam-60-training");
            wait.until(d -> d.findElements(By.cssSelector("#metrics .card svg.spark polyline"))
                            .size()
                    >= 4);
            Browser.screenshot(browser, "component");

            // A Cypher question.
            browser.get(base + "#/cypher");
            WebElement cypher = wait.until(d -> d.findElement(By.id("cypher")));
            ((JavascriptExecutor) browser)
                    .executeScript(
                            "arguments[0].value = arguments[1]",
                            cypher,
                            "MATCH p = (job:TrialComponent {kind: 'training'})-[:PRODUCED]->(m:Model) WHERE job.`param.epochs` = $epochs"
                                    + " RETURN job.name AS job, p ORDER BY job");
            ((JavascriptExecutor) browser)
                    .executeScript(
                            "arguments[0].value = arguments[1]",
                            browser.findElement(By.id("parameters")),
                            "{\"epochs\": 60}");
            browser.findElement(By.id("run-query")).click();
            wait.until(d ->
                    d.findElements(By.cssSelector("#result-table tbody tr")).size() == 6);
            assertThat(browser.findElement(By.cssSelector("#result-table tbody tr td"))
                            .getText())
                    .isEqualTo("custom-adam-60-training");
            // The paths as a graph: six jobs and their six models.
            wait.until(d -> "12".equals(d.findElement(By.id("result-graph")).getDomAttribute("data-nodes")));
            Browser.screenshot(browser, "cypher");

            // A running job: its curve grows on screen as points are stored, without a reload.
            client.createTrialComponent(TrialComponentSpec.builder("live-training")
                    .kind("training")
                    .status(ComponentStatus.IN_PROGRESS)
                    .trials(List.of("custom-adam-60"))
                    .build());
            try (MetricLogger logger = MetricLogger.builder(client.channel()).build()) {
                for (int step = 0; step < 20; step++) {
                    logger.log("live-training", "val_acc", step, 0.5 + step * 0.01);
                }
                logger.flush(Duration.ofSeconds(60));
                browser.get(base + "#/experiments/" + EXPERIMENT);
                filter = wait.until(d -> d.findElement(By.id("filter")));
                filter.sendKeys("name = \"live-training\"");
                browser.findElement(By.id("apply-filter")).click();
                wait.until(d -> firstRowName(d).equals("live-training"));
                browser.findElement(By.cssSelector("#table tbody input.select-row"))
                        .click();
                new Select(browser.findElement(By.id("chart-metric"))).selectByValue("val_acc");
                browser.findElement(By.id("chart-selected")).click();
                wait.until(d -> "20".equals(d.findElement(By.id("chart")).getDomAttribute("data-points")));
                for (int step = 20; step < 30; step++) {
                    logger.log("live-training", "val_acc", step, 0.5 + step * 0.01);
                }
                logger.flush(Duration.ofSeconds(60));
                new WebDriverWait(browser, Duration.ofSeconds(20))
                        .ignoring(StaleElementReferenceException.class)
                        .until(d -> "30".equals(d.findElement(By.id("chart")).getDomAttribute("data-points")));
                ((JavascriptExecutor) browser).executeScript("document.getElementById('chart').scrollIntoView()");
                Browser.screenshot(browser, "live");
            }
        } finally {
            browser.quit();
        }
    }

    /** The name in the table's first row, read in one step (the table may be re-rendered at any moment). */
    private static String firstRowName(org.openqa.selenium.WebDriver browser) {
        Object name = ((JavascriptExecutor) browser)
                .executeScript(
                        "const a = document.querySelector('#table tbody tr:first-child a'); return a ? a.textContent : ''");
        return String.valueOf(name);
    }
}
