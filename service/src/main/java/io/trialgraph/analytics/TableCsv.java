package io.trialgraph.analytics;

import java.util.List;

/**
 * The analytics table as CSV (RFC 4180 quoting, one line per row, column ids as the header), the
 * same text on every surface that exports it.
 */
public final class TableCsv {

    private TableCsv() {}

    /**
     * @param header whether to start with the header line (the first page of an export)
     * @return the page's lines
     */
    public static String page(Table.Page page, boolean header) {
        StringBuilder csv = new StringBuilder();
        if (header) {
            csv.append(String.join(
                            ",",
                            page.columns().stream()
                                    .map(Column::id)
                                    .map(TableCsv::field)
                                    .toList()))
                    .append('\n');
        }
        for (List<Object> row : page.rows()) {
            for (int i = 0; i < row.size(); i++) {
                if (i > 0) {
                    csv.append(',');
                }
                Object value = row.get(i);
                csv.append(value == null ? "" : field(String.valueOf(value)));
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    /** RFC 4180: quote a field holding a comma, quote, line break or outer space; double its quotes. */
    public static String field(String text) {
        boolean quote = text.contains(",")
                || text.contains("\"")
                || text.contains("\n")
                || text.contains("\r")
                || (!text.isEmpty()
                        && (Character.isWhitespace(text.charAt(0))
                                || Character.isWhitespace(text.charAt(text.length() - 1))));
        return quote ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
    }
}
