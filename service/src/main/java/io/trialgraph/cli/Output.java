package io.trialgraph.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.trialgraph.client.QueryResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes what a command found as an aligned table for a terminal, as CSV (RFC 4180 quoting, by
 * Jackson's CSV writer) or as JSON (Jackson): the same columns and rows in every format.
 */
final class Output {

    /** The output formats; not every command offers every one. */
    enum Format { table, csv, json, dot }

    /** Temporal values (times of experiments, components, query results) as ISO 8601 text. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new SimpleModule().addSerializer(TemporalAccessor.class, new JsonSerializer<>() {
                @Override
                public void serialize(TemporalAccessor value, JsonGenerator out, SerializerProvider serializers) throws IOException {
                    out.writeString(value.toString());
                }
            }))
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    /** Quotes only the cells that need it (a comma, a quote, a line break, surrounding spaces). */
    private static final CsvMapper CSV = CsvMapper.builder().enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING).build();

    private Output() {
    }

    /** Writes rows in the format asked for (table, csv or json: an array of objects, a key per column). */
    static void rows(PrintWriter out, Format format, List<String> columns, List<List<Object>> rows) {
        switch (format) {
            case csv:
                csv(out, columns, rows);
                break;
            case json:
                json(out, objects(columns, rows));
                break;
            default:
                table(out, columns, rows);
        }
    }

    /**
     * Writes a listing: in JSON the items themselves (every field), otherwise a row per item with
     * {@code columns}, as {@link #rows} does.
     */
    static <T> void listing(PrintWriter out, Format format, List<T> items, List<String> columns,
            java.util.function.Function<T, List<Object>> row) {
        if (format == Format.json) {
            json(out, items);
            return;
        }
        List<List<Object>> rows = new ArrayList<>();
        items.forEach(item -> rows.add(row.apply(item)));
        rows(out, format, columns, rows);
    }

    /** Rows as JSON objects, a key per column in column order. */
    static List<Map<String, Object>> objects(List<String> columns, List<List<Object>> rows) {
        List<Map<String, Object>> objects = new ArrayList<>();
        for (List<Object> row : rows) {
            Map<String, Object> object = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                object.put(columns.get(i), row.get(i));
            }
            objects.add(object);
        }
        return objects;
    }

    /** Any value (records, lists, maps) as indented JSON. */
    static void json(PrintWriter out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** CSV with a header row; numbers written so they parse back to the same value. */
    static void csv(PrintWriter out, List<String> columns, List<List<Object>> rows) {
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
        columns.forEach(schema::addColumn);
        List<List<String>> cells = new ArrayList<>();
        for (List<Object> row : rows) {
            cells.add(row.stream().map(Output::csvCell).collect(Collectors.toList()));
        }
        try {
            out.print(CSV.writer(schema.build()).writeValueAsString(cells));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String csvCell(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof String || value instanceof Number || value instanceof Boolean || value instanceof TemporalAccessor
                || value instanceof Enum) {
            return value.toString();
        }
        return compactJson(value);
    }

    /** Columns padded to their widest cell, numbers right-aligned, a rule under the header. */
    static void table(PrintWriter out, List<String> columns, List<List<Object>> rows) {
        int[] widths = columns.stream().mapToInt(String::length).toArray();
        boolean[] numeric = new boolean[columns.size()];
        Arrays.fill(numeric, true);
        List<String[]> texts = new ArrayList<>();
        for (List<Object> row : rows) {
            String[] text = new String[columns.size()];
            for (int i = 0; i < text.length; i++) {
                Object value = row.get(i);
                text[i] = cell(value);
                widths[i] = Math.max(widths[i], text[i].length());
                numeric[i] &= value == null || value instanceof Number;
            }
            texts.add(text);
        }
        out.println(line(columns.toArray(new String[0]), widths, numeric));
        String[] rules = new String[columns.size()];
        for (int i = 0; i < rules.length; i++) {
            rules[i] = "-".repeat(widths[i]);
        }
        out.println(line(rules, widths, new boolean[columns.size()]));
        texts.forEach(text -> out.println(line(text, widths, numeric)));
    }

    private static String line(String[] cells, int[] widths, boolean[] rightAligned) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                line.append("  ");
            }
            String padding = " ".repeat(widths[i] - cells[i].length());
            if (rightAligned[i]) {
                line.append(padding).append(cells[i]);
            } else {
                line.append(cells[i]);
                if (i < cells.length - 1) {
                    line.append(padding);
                }
            }
        }
        return line.toString().stripTrailing();
    }

    /** A value as a person reads it in a table cell: numbers short, graph values in Cypher's notation. */
    static String cell(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double || value instanceof Float) {
            return number(((Number) value).doubleValue());
        }
        if (value instanceof Enum) {
            return ((Enum<?>) value).name();
        }
        if (value instanceof java.time.Instant) {
            // Seconds are enough to read; CSV and JSON keep the full precision.
            return ((java.time.Instant) value).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        }
        if (value instanceof QueryResult.Node) {
            QueryResult.Node node = (QueryResult.Node) value;
            return "(" + node.labels().stream().map(label -> ":" + label).collect(Collectors.joining()) + " "
                    + compactJson(node.properties()) + ")";
        }
        if (value instanceof QueryResult.Relationship) {
            QueryResult.Relationship relationship = (QueryResult.Relationship) value;
            return "[:" + relationship.type() + " " + compactJson(relationship.properties()) + "]";
        }
        if (value instanceof QueryResult.Path) {
            QueryResult.Path path = (QueryResult.Path) value;
            StringBuilder text = new StringBuilder(cell(path.nodes().get(0)));
            for (int i = 0; i < path.relationships().size(); i++) {
                QueryResult.Relationship relationship = path.relationships().get(i);
                boolean forward = relationship.startElementId().equals(path.nodes().get(i).elementId());
                text.append(forward ? "-" : "<-").append(cell(relationship)).append(forward ? "->" : "-")
                        .append(cell(path.nodes().get(i + 1)));
            }
            return text.toString();
        }
        if (value instanceof String || value instanceof Number || value instanceof Boolean || value instanceof TemporalAccessor) {
            return value.toString();
        }
        return compactJson(value);
    }

    /** At most 6 significant digits, no exponent for everyday magnitudes. */
    static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Double.toString(value);
        }
        double magnitude = Math.abs(value);
        if (value != 0 && (magnitude < 1e-4 || magnitude >= 1e9)) {
            return String.format(java.util.Locale.ROOT, "%.5e", value);
        }
        BigDecimal rounded = new BigDecimal(value).round(new java.math.MathContext(6));
        return rounded.stripTrailingZeros().toPlainString();
    }

    /** "(1 row)", "(5 rows)", "(5 of 18 rows)". */
    static String rowCount(long shown, long total) {
        return "(" + (shown < total ? shown + " of " : "") + total + (total == 1 ? " row)" : " rows)");
    }

    /** Tags and other string maps as {@code key=value,key=value}. */
    static String keyValues(Map<String, String> entries) {
        return new java.util.TreeMap<>(entries).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    private static String compactJson(Object value) {
        try {
            return JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }
}
