package io.trialgraph.analytics;

import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.rules.Quote;
import io.trialgraph.rules.Text;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the filter language into a {@link Filter}. Grammar:
 *
 * <pre>
 * or      := and ("OR" and)*
 * and     := not ("AND" not)*
 * not     := "NOT" not | primary
 * primary := "(" or ")" | "EXISTS" column | column op value | column "IN" "(" value ("," value)* ")"
 *          | column "CONTAINS" string | column "STARTS" "WITH" string
 * op      := "=" | "!=" | "&lt;" | "&lt;=" | "&gt;" | "&gt;="
 * value   := number | string | "true" | "false"
 * </pre>
 *
 * Keywords are case-insensitive. Errors are {@link InvalidArgumentException}s on the field
 * {@code filter} naming the 1-based position and what was expected, or the limit of
 * {@link TableLimits} that was passed. The length is checked before anything is read and the
 * nesting depth while parsing, so no filter can make the parser recurse deeper than
 * {@link TableLimits#MAX_FILTER_DEPTH} levels.
 */
public final class FilterParser {

    private static final String FIELD = "filter";
    private static final List<DateTimeFormatter> TIME_FORMATS = List.of(
            DateTimeFormatter.ISO_OFFSET_DATE_TIME,
            DateTimeFormatter.ISO_LOCAL_DATE_TIME,
            DateTimeFormatter.ISO_LOCAL_DATE);

    private enum Kind {
        WORD,
        NUMBER,
        STRING,
        OP,
        OPEN,
        CLOSE,
        COMMA,
        END
    }

    /** A token and where it starts (1-based). */
    private record Token(Kind kind, String text, Object value, int position) {
        boolean isKeyword(String keyword) {
            return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
        }
    }

    private final List<Token> tokens;
    private final Table.Rows rows;
    private int at;
    private int depth;
    private int terms;

    private FilterParser(List<Token> tokens, Table.Rows rows) {
        this.tokens = tokens;
        this.rows = rows;
    }

    /**
     * A filter of component rows.
     *
     * @return the filter, or null for a blank text (every row)
     * @throws InvalidArgumentException ("filter: ...") naming the position and what was expected, or the limit passed
     */
    public static Filter parse(String text) {
        return parse(text, Table.Rows.COMPONENTS);
    }

    /**
     * A filter of rows of {@code rows}, whose columns it names.
     *
     * @return the filter, or null for a blank text (every row)
     * @throws InvalidArgumentException ("filter: ...") naming the position and what was expected, or the limit passed
     */
    public static Filter parse(String text, Table.Rows rows) {
        if (text == null || text.isBlank()) {
            return null;
        }
        if (Text.longerThan(text, TableLimits.MAX_FILTER_LENGTH)) {
            throw new InvalidArgumentException(
                    FIELD,
                    "must be at most " + TableLimits.MAX_FILTER_LENGTH + " characters (the filter length limit), has "
                            + Text.length(text));
        }
        FilterParser parser = new FilterParser(tokenize(text), rows);
        Filter filter = parser.or();
        if (parser.peek().kind != Kind.END) {
            throw parser.expected("AND, OR or the end of the filter");
        }
        return filter;
    }

    private Token peek() {
        return tokens.get(at);
    }

    private Token next() {
        return tokens.get(at++);
    }

    private InvalidArgumentException expected(String what) {
        Token token = peek();
        String found = token.kind == Kind.END ? "the end of the filter" : Quote.of(token.text);
        return error(token.position, "expected " + what + ", found " + found);
    }

    private static InvalidArgumentException error(int position, String what) {
        return new InvalidArgumentException(FIELD, "at position " + position + ": " + what);
    }

    private Filter or() {
        List<Filter> terms = new ArrayList<>();
        terms.add(and());
        while (peek().isKeyword("OR")) {
            next();
            terms.add(and());
        }
        return terms.size() == 1 ? terms.get(0) : new Filter.Any(List.copyOf(terms));
    }

    private Filter and() {
        List<Filter> terms = new ArrayList<>();
        terms.add(not());
        while (peek().isKeyword("AND")) {
            next();
            terms.add(not());
        }
        return terms.size() == 1 ? terms.get(0) : new Filter.All(List.copyOf(terms));
    }

    private Filter not() {
        if (peek().isKeyword("NOT")) {
            Token not = next();
            enter(not);
            Filter inner = new Filter.Not(not());
            depth--;
            return inner;
        }
        return primary();
    }

    /** One level deeper (a parenthesis or a NOT), refused past the depth limit before recursing. */
    private void enter(Token token) {
        if (++depth > TableLimits.MAX_FILTER_DEPTH) {
            throw error(
                    token.position,
                    "nested deeper than " + TableLimits.MAX_FILTER_DEPTH
                            + " parentheses and NOTs (the filter nesting limit)");
        }
    }

    private Filter primary() {
        Token token = peek();
        if (token.kind == Kind.OPEN) {
            next();
            enter(token);
            Filter inner = or();
            if (peek().kind != Kind.CLOSE) {
                throw expected("')'");
            }
            next();
            depth--;
            return inner;
        }
        if (++terms > TableLimits.MAX_FILTER_TERMS) {
            throw error(
                    token.position,
                    "more than " + TableLimits.MAX_FILTER_TERMS + " conditions (the filter term limit)");
        }
        if (token.isKeyword("EXISTS")) {
            next();
            return new Filter.Exists(column());
        }
        Token columnToken = peek();
        Column column = column();
        Token operator = peek();
        if (operator.kind == Kind.OP) {
            next();
            Token valueToken = peek();
            Object value = value();
            checkTime(column, valueToken, value);
            return new Filter.Compare(column, Filter.Op.of(operator.text), value);
        }
        if (operator.isKeyword("IN")) {
            next();
            if (peek().kind != Kind.OPEN) {
                throw expected("'(' after IN");
            }
            next();
            List<Object> values = new ArrayList<>();
            do {
                if (!values.isEmpty()) {
                    next();
                }
                if (values.size() == TableLimits.MAX_IN_VALUES) {
                    throw error(
                            peek().position,
                            "more than " + TableLimits.MAX_IN_VALUES + " values in one IN list (the IN list limit)");
                }
                Token valueToken = peek();
                Object value = value();
                checkTime(column, valueToken, value);
                values.add(value);
            } while (peek().kind == Kind.COMMA);
            if (peek().kind != Kind.CLOSE) {
                throw expected("',' or ')'");
            }
            next();
            return new Filter.In(column, List.copyOf(values));
        }
        if (operator.isKeyword("CONTAINS")) {
            next();
            return new Filter.Contains(column, text(column));
        }
        if (operator.isKeyword("STARTS")) {
            next();
            if (!peek().isKeyword("WITH")) {
                throw expected("WITH after STARTS");
            }
            next();
            return new Filter.StartsWith(column, text(column));
        }
        if (columnToken == operator) {
            throw expected("an operator");
        }
        throw expected("an operator (= != < <= > >= IN CONTAINS STARTS WITH)");
    }

    private Column column() {
        Token token = peek();
        if (token.kind != Kind.WORD || isReserved(token.text)) {
            throw expected("a column (e.g. kind, params.epochs, metrics.test_acc.last)");
        }
        next();
        Column column;
        try {
            column = Column.parse(FIELD, token.text, rows);
        } catch (InvalidArgumentException e) {
            throw error(token.position, e.getMessage().substring(FIELD.length() + 2));
        }
        if (column.isShownOnly()) {
            throw error(token.position, "trials can be shown as a column but not filtered, sorted or grouped by");
        }
        return column;
    }

    private Object value() {
        Token token = peek();
        if (token.kind == Kind.NUMBER || token.kind == Kind.STRING) {
            next();
            return token.value;
        }
        if (token.isKeyword("true") || token.isKeyword("false")) {
            next();
            return Boolean.parseBoolean(token.text.toLowerCase());
        }
        throw expected("a value (a number, a \"string\", true or false)");
    }

    private String text(Column column) {
        Token token = peek();
        if (token.kind != Kind.STRING) {
            throw expected("a \"string\"");
        }
        next();
        checkTime(column, token, token.value);
        return (String) token.value;
    }

    /** Times compare with ISO 8601 text, which the Cypher turns into datetimes. */
    private static void checkTime(Column column, Token token, Object value) {
        if (column.isTime() && !(value instanceof String text && isTime(text))) {
            throw error(
                    token.position,
                    column.id() + " compares with an ISO 8601 time in quotes, e.g. "
                            + "\"2026-11-01T00:00:00Z\" or \"2026-11-01\", not " + Quote.of(token.text));
        }
    }

    static boolean isTime(String text) {
        for (DateTimeFormatter format : TIME_FORMATS) {
            try {
                format.parse(text);
                return true;
            } catch (DateTimeParseException notThisOne) {
                // try the next
            }
        }
        return false;
    }

    private static boolean isReserved(String word) {
        return switch (word.toUpperCase()) {
            case "AND", "OR", "NOT", "IN", "CONTAINS", "STARTS", "WITH", "EXISTS", "TRUE", "FALSE" -> true;
            default -> false;
        };
    }

    private static List<Token> tokenize(String text) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            int position = i + 1;
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '(' || c == ')' || c == ',') {
                Kind kind = c == '(' ? Kind.OPEN : c == ')' ? Kind.CLOSE : Kind.COMMA;
                tokens.add(new Token(kind, String.valueOf(c), null, position));
                i++;
            } else if (c == '"' || c == '\'') {
                StringBuilder value = new StringBuilder();
                int j = i + 1;
                while (j < text.length() && text.charAt(j) != c) {
                    if (text.charAt(j) == '\\' && j + 1 < text.length()) {
                        j++;
                    }
                    value.append(text.charAt(j));
                    j++;
                }
                if (j >= text.length()) {
                    throw error(position, "the string is not closed (expected " + c + ")");
                }
                tokens.add(new Token(Kind.STRING, text.substring(i, j + 1), value.toString(), position));
                i = j + 1;
            } else if (c == '=' || c == '<' || c == '>' || c == '!') {
                boolean twoChars = i + 1 < text.length() && text.charAt(i + 1) == '=';
                String op = twoChars ? text.substring(i, i + 2) : String.valueOf(c);
                if (op.equals("!") || op.equals("==")) {
                    throw error(position, "expected one of = != < <= > >=, found " + Quote.of(op));
                }
                tokens.add(new Token(Kind.OP, op, null, position));
                i += op.length();
            } else if (startsNumber(text, i)) {
                int j = i + 1;
                while (j < text.length()
                        && (Character.isLetterOrDigit(text.charAt(j))
                                || text.charAt(j) == '.'
                                || ((text.charAt(j) == '-' || text.charAt(j) == '+')
                                        && (text.charAt(j - 1) == 'e' || text.charAt(j - 1) == 'E')))) {
                    j++;
                }
                String number = text.substring(i, j);
                Object value;
                try {
                    value = number.matches("[-+]?\\d+")
                            ? (Object) Long.parseLong(number)
                            : (Object) Double.parseDouble(number);
                } catch (NumberFormatException e) {
                    throw error(position, Quote.of(number) + " is not a number");
                }
                if (value instanceof Double d && !Double.isFinite(d)) {
                    throw error(position, Quote.of(number) + " is not a finite number");
                }
                tokens.add(new Token(Kind.NUMBER, number, value, position));
                i = j;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i + 1;
                while (j < text.length()
                        && (Character.isLetterOrDigit(text.charAt(j)) || "._-/:".indexOf(text.charAt(j)) >= 0)) {
                    j++;
                }
                tokens.add(new Token(Kind.WORD, text.substring(i, j), null, position));
                i = j;
            } else {
                throw error(
                        position,
                        "unexpected character "
                                + Quote.of(text.substring(i, i + Character.charCount(text.codePointAt(i)))));
            }
        }
        tokens.add(new Token(Kind.END, "", null, text.length() + 1));
        return tokens;
    }

    private static boolean startsNumber(String text, int i) {
        char c = text.charAt(i);
        if (Character.isDigit(c)) {
            return true;
        }
        return (c == '-' || c == '+' || c == '.')
                && i + 1 < text.length()
                && (Character.isDigit(text.charAt(i + 1)) || text.charAt(i + 1) == '.');
    }
}
