package io.trialgraph;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of this build, as Maven wrote it into {@code version.properties}. */
public final class TrialGraphVersion {

    public static final String VERSION = load();

    private TrialGraphVersion() {
    }

    private static String load() {
        try (InputStream in = TrialGraphVersion.class.getResourceAsStream("version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
