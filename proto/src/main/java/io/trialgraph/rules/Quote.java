package io.trialgraph.rules;

/**
 * Values a caller sent, quoted for an error message: at most {@link #MAX_CODE_POINTS} code points,
 * escaped, so that a message (which travels in a gRPC header, limited to a few KiB) stays short
 * and readable whatever the value holds: 20,000 characters, line breaks, quotes, control
 * characters.
 */
public final class Quote {

    /** The most code points of a value shown; longer values are cut and their length is given. */
    public static final int MAX_CODE_POINTS = 64;

    private Quote() {}

    /**
     * @return the value in single quotes, escaped, cut after {@link #MAX_CODE_POINTS} code points
     *     with its length added (e.g. {@code 'aaaa...'... (20000 characters)}); {@code null} as null
     */
    public static String of(String value) {
        if (value == null) {
            return "null";
        }
        int length = Text.length(value);
        String shown = "'" + escape(value) + "'";
        return length <= MAX_CODE_POINTS ? shown : shown + "... (" + length + " characters)";
    }

    /**
     * @return the value for a field path such as {@code tags[<key>]}: escaped and cut like {@link
     *     #of}, without quotes, with {@code ...} where it was cut
     */
    public static String bare(String value) {
        if (value == null) {
            return "null";
        }
        return Text.length(value) <= MAX_CODE_POINTS ? escape(value) : escape(value) + "...";
    }

    /** The first {@link #MAX_CODE_POINTS} code points, with quotes, backslashes and non-printables escaped. */
    private static String escape(String value) {
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < value.length() && shown < MAX_CODE_POINTS; shown++) {
            int c = value.codePointAt(i);
            i += Character.charCount(c);
            switch (c) {
                case '\'' -> out.append("\\'");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c)
                            || Character.getType(c) == Character.FORMAT
                            || Character.getType(c) == Character.UNASSIGNED
                            || Character.getType(c) == Character.SURROGATE) {
                        out.append(String.format("\\u%04x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
