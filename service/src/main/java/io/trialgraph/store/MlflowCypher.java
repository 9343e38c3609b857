package io.trialgraph.store;

import io.trialgraph.domain.mlflow.SearchClause.Operator;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds the conditions of an MLflow search: every value (numbers, strings, keys) travels as a
 * query parameter, never as query text; only the shape of the query comes from the parsed filter.
 */
final class MlflowCypher {

    private final Map<String, Object> parameters = new HashMap<>();
    private int next;

    /** @return a fresh parameter holding {@code value}, as written in the query ({@code $p3}) */
    String parameter(Object value) {
        String name = "p" + next++;
        parameters.put(name, value);
        return "$" + name;
    }

    /** Adds a named parameter. */
    void put(String name, Object value) {
        parameters.put(name, value);
    }

    Map<String, Object> parameters() {
        return parameters;
    }

    /**
     * {@code expression <op> value}. A missing value (null) never matches, not even {@code !=}
     * or {@code NOT IN}, as in MLflow.
     */
    String compare(String expression, Operator operator, Object value) {
        return switch (operator) {
            case EQ -> expression + " = " + parameter(value);
            case NE -> expression + " <> " + parameter(value);
            case LT -> expression + " < " + parameter(value);
            case LE -> expression + " <= " + parameter(value);
            case GT -> expression + " > " + parameter(value);
            case GE -> expression + " >= " + parameter(value);
            case LIKE -> expression + " =~ " + parameter(likeRegex((String) value, false));
            case ILIKE -> expression + " =~ " + parameter(likeRegex((String) value, true));
            case IN -> expression + " IN " + parameter(value);
            case NOT_IN -> "NOT (" + expression + " IN " + parameter(value) + ")";
        };
    }

    /** SQL's LIKE pattern ({@code %} any text, {@code _} one character) as a whole-string regular expression. */
    static String likeRegex(String pattern, boolean ignoreCase) {
        StringBuilder regex = new StringBuilder(ignoreCase ? "(?is)" : "(?s)");
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '%' || c == '_') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '%' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return regex.toString();
    }
}
