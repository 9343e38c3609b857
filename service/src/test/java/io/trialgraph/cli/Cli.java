package io.trialgraph.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.RuntimeJsonMappingException;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.trialgraph.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs the {@code trialgraph} command in this JVM against a test server, capturing what it prints and its exit code. */
final class Cli {

    private static final java.util.regex.Pattern FOOTER = java.util.regex.Pattern.compile("\\((\\d+ of )?\\d+ rows?.*\\)|\\(truncated.*");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CsvMapper CSV = CsvMapper.builder().enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.FAIL_ON_MISSING_COLUMNS).build();

    /** What one command line did. */
    record Result(int exitCode, String out, String err) {

        /** The output as JSON. */
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + out, e);
            }
        }

        /** The output as CSV rows (header first), parsed strictly: quotes honoured, every row as wide as the header. */
        List<List<String>> csv() {
            List<List<String>> rows = new ArrayList<>();
            try (var iterator = CSV.readerFor(String[].class).<String[]>readValues(out)) {
                while (iterator.hasNext()) {
                    rows.add(Arrays.asList(iterator.next()));
                }
            } catch (IOException | RuntimeJsonMappingException e) {
                throw new IllegalStateException("not CSV: " + out, e);
            }
            int width = rows.get(0).size();
            rows.forEach(row -> {
                if (row.size() != width) {
                    throw new IllegalStateException("row " + row + " is not " + width + " cells wide");
                }
            });
            return rows;
        }

        /** The data rows of the first aligned table in the output: the lines after the rule, up to a blank line or a "(N rows)" line. */
        List<String> tableRows() {
            List<String> lines = out.lines().toList();
            int rule = 0;
            while (!lines.get(rule).startsWith("---")) {
                rule++;
            }
            List<String> rows = new ArrayList<>();
            for (int i = rule + 1; i < lines.size() && !lines.get(i).isBlank() && !FOOTER.matcher(lines.get(i)).matches(); i++) {
                rows.add(lines.get(i));
            }
            return rows;
        }
    }

    private Cli() {
    }

    /** Runs {@code trialgraph ARGS --target <the test server>}. */
    static Result run(TestServer server, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--target");
        all.add("127.0.0.1:" + server.port());
        return runAsIs(all.toArray(new String[0]));
    }

    /** Runs {@code trialgraph ARGS} exactly as given. */
    static Result runAsIs(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = TrialGraphCli.run(outStream, errStream, args);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
