package io.trialgraph.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** The fields of one thing ({@code show} commands): "name: value" lines, or a two-column CSV. */
final class Fields {

    private final List<List<Object>> rows = new ArrayList<>();

    /** Adds a field; empty values are left out of the table but kept in CSV. */
    Fields add(String field, Object value) {
        List<Object> row = new ArrayList<>();
        row.add(field);
        row.add(value);
        rows.add(row);
        return this;
    }

    void print(PrintWriter out, Output.Format format) {
        if (format == Output.Format.csv) {
            Output.csv(out, List.of("field", "value"), rows);
            return;
        }
        int width = rows.stream().mapToInt(row -> row.get(0).toString().length()).max().orElse(0);
        for (List<Object> row : rows) {
            String value = Output.cell(row.get(1));
            if (!value.isEmpty() && !"{}".equals(value) && !"[]".equals(value)) {
                out.println(String.format("%-" + (width + 1) + "s %s", row.get(0) + ":", value));
            }
        }
    }
}
