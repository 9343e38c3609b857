package io.trialgraph.web;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}) driven by
 * Selenium; never a downloaded driver. Missing browsers fail the test with what to install.
 */
final class Browser {

    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private Browser() {}

    static ChromeDriver start(Path profile) {
        File chromium = new File(System.getenv().getOrDefault("TRIALGRAPH_CHROMIUM", "/usr/bin/chromium"));
        File driver = new File(System.getenv().getOrDefault("TRIALGRAPH_CHROMEDRIVER", "/usr/bin/chromedriver"));
        if (!chromium.canExecute() || !driver.canExecute()) {
            throw new AssertionError(
                    "The web UI's browser tests need Chromium at " + chromium + " and its driver at " + driver
                            + ": install them with 'apt-get install -y chromium chromium-driver' (.ci/run does), or set"
                            + " TRIALGRAPH_CHROMIUM and TRIALGRAPH_CHROMEDRIVER");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
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
                .usingDriverExecutable(driver)
                .usingAnyFreePort()
                .build();
        // A loaded machine may take a while to answer a command: wait for it rather than give up.
        ChromeDriver browser = new ChromeDriver(
                service,
                options,
                org.openqa.selenium.remote.http.ClientConfig.defaultConfig().readTimeout(Duration.ofMinutes(3)));
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60)).scriptTimeout(Duration.ofSeconds(60));
        return browser;
    }

    /** Saves what the browser shows as target/screenshots/NAME.png. */
    static void screenshot(ChromeDriver browser, String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.write(
                    SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new AssertionError("cannot save a screenshot", e);
        }
    }
}
