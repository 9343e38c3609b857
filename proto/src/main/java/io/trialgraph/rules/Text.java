package io.trialgraph.rules;

/** Lengths as the API documents them: in characters, meaning Unicode code points (an emoji is one). */
public final class Text {

    private Text() {}

    /** @return the number of code points of {@code value} (a string's {@code length()} counts UTF-16 units) */
    public static int length(String value) {
        return value.codePointCount(0, value.length());
    }

    /** @return whether {@code value} has more than {@code max} code points, counting no further than needed */
    public static boolean longerThan(String value, int max) {
        // A string of at most max UTF-16 units has at most max code points; only longer ones need counting.
        return value.length() > max && length(value) > max;
    }
}
