package io.trialgraph.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * The analytics filter language, parsed. Grammar:
 * <pre>
 * or      := and ("OR" and)*
 * and     := not ("AND" not)*
 * not     := "NOT" not | primary
 * primary := "(" or ")" | "EXISTS" column | column op value | column "IN" "(" value ("," value)* ")"
 *          | column "CONTAINS" string | column "STARTS" "WITH" string
 * op      := "=" | "!=" | "&lt;" | "&lt;=" | "&gt;" | "&gt;="
 * value   := number | string | "true" | "false"
 * </pre>
 * Keywords are case-insensitive. Errors name the 1-based position and what was expected.
 */
public sealed interface TableFilter {

    /** Both hold. */
    record And(TableFilter left, TableFilter right) implements TableFilter {
    }

    /** Either holds. */
    record Or(TableFilter left, TableFilter right) implements TableFilter {
    }

    /** The inner filter does not hold. */
    record Not(TableFilter inner) implements TableFilter {
    }

    /** {@code column op value}; op is one of = != &lt; &lt;= &gt; &gt;=. */
    record Compare(String column, String op, Object value) implements TableFilter {
    }

    /** {@code column IN (values)}. */
    record In(String column, List<Object> values) implements TableFilter {
    }

    /** {@code column CONTAINS text}. */
    record Contains(String column, String text) implements TableFilter {
    }

    /** {@code column STARTS WITH text}. */
    record StartsWith(String column, String text) implements TableFilter {
    }

    /** {@code EXISTS column}: the row has a value there. */
    record Exists(String column) implements TableFilter {
    }

    /**
     * Parses a filter expression.
     *
     * @throws InvalidArgumentException ("filter: ...") naming the position and what was expected
     */
    static TableFilter parse(String text) {
        Parser parser = new Parser(text);
        TableFilter filter = parser.or();
        if (parser.peek().kind != Kind.END) {
            throw parser.expected("AND, OR or the end of the filter");
        }
        return filter;
    }

    /** Every column a filter names, in order. */
    static List<String> columns(TableFilter filter) {
        List<String> columns = new ArrayList<>();
        collect(filter, columns);
        return columns;
    }

    private static void collect(TableFilter filter, List<String> columns) {
        if (filter instanceof And and) {
            collect(and.left(), columns);
            collect(and.right(), columns);
        } else if (filter instanceof Or or) {
            collect(or.left(), columns);
            collect(or.right(), columns);
        } else if (filter instanceof Not not) {
            collect(not.inner(), columns);
        } else if (filter instanceof Compare compare) {
            columns.add(compare.column());
        } else if (filter instanceof In in) {
            columns.add(in.column());
        } else if (filter instanceof Contains contains) {
            columns.add(contains.column());
        } else if (filter instanceof StartsWith startsWith) {
            columns.add(startsWith.column());
        } else if (filter instanceof Exists exists) {
            columns.add(exists.column());
        }
    }

    /** Token kinds. */
    enum Kind { WORD, NUMBER, STRING, OP, OPEN, CLOSE, COMMA, END }

    /** A token and where it starts (1-based). */
    record Token(Kind kind, String text, Object value, int position) {

        boolean isKeyword(String keyword) {
            return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
        }
    }

    /** Recursive descent over the tokens. */
    final class Parser {

        private final List<Token> tokens;
        private int at;

        Parser(String text) {
            this.tokens = tokenize(text);
        }

        Token peek() {
            return tokens.get(at);
        }

        Token next() {
            return tokens.get(at++);
        }

        InvalidArgumentException expected(String what) {
            Token token = peek();
            String found = token.kind == Kind.END ? "the end of the filter" : "'" + token.text + "'";
            return new InvalidArgumentException("filter", "at position " + token.position + ": expected " + what + ", found " + found);
        }

        TableFilter or() {
            TableFilter left = and();
            while (peek().isKeyword("OR")) {
                next();
                left = new Or(left, and());
            }
            return left;
        }

        TableFilter and() {
            TableFilter left = not();
            while (peek().isKeyword("AND")) {
                next();
                left = new And(left, not());
            }
            return left;
        }

        TableFilter not() {
            if (peek().isKeyword("NOT")) {
                next();
                return new Not(not());
            }
            return primary();
        }

        TableFilter primary() {
            Token token = peek();
            if (token.kind == Kind.OPEN) {
                next();
                TableFilter inner = or();
                if (peek().kind != Kind.CLOSE) {
                    throw expected("')'");
                }
                next();
                return inner;
            }
            if (token.isKeyword("EXISTS")) {
                next();
                return new Exists(column());
            }
            String column = column();
            Token operator = peek();
            if (operator.kind == Kind.OP) {
                next();
                return new Compare(column, operator.text, value());
            }
            if (operator.isKeyword("IN")) {
                next();
                if (peek().kind != Kind.OPEN) {
                    throw expected("'(' after IN");
                }
                next();
                List<Object> values = new ArrayList<>();
                values.add(value());
                while (peek().kind == Kind.COMMA) {
                    next();
                    values.add(value());
                }
                if (peek().kind != Kind.CLOSE) {
                    throw expected("',' or ')'");
                }
                next();
                return new In(column, values);
            }
            if (operator.isKeyword("CONTAINS")) {
                next();
                return new Contains(column, string());
            }
            if (operator.isKeyword("STARTS")) {
                next();
                if (!peek().isKeyword("WITH")) {
                    throw expected("WITH after STARTS");
                }
                next();
                return new StartsWith(column, string());
            }
            throw expected("an operator (= != < <= > >= IN CONTAINS STARTS WITH)");
        }

        private String column() {
            Token token = peek();
            if (token.kind != Kind.WORD || isReserved(token.text)) {
                throw expected("a column (e.g. kind, params.epochs, metrics.test_acc.last)");
            }
            next();
            return token.text;
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

        private String string() {
            Token token = peek();
            if (token.kind != Kind.STRING) {
                throw expected("a \"string\"");
            }
            next();
            return (String) token.value;
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
                    tokens.add(new Token(c == '(' ? Kind.OPEN : c == ')' ? Kind.CLOSE : Kind.COMMA, String.valueOf(c), null, position));
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
                        throw new InvalidArgumentException("filter", "at position " + position + ": the string is not closed (expected "
                                + c + ")");
                    }
                    tokens.add(new Token(Kind.STRING, text.substring(i, j + 1), value.toString(), position));
                    i = j + 1;
                } else if (c == '=' || c == '<' || c == '>' || c == '!') {
                    String op = i + 1 < text.length() && text.charAt(i + 1) == '=' ? text.substring(i, i + 2) : String.valueOf(c);
                    if (op.equals("!") || op.equals("==")) {
                        throw new InvalidArgumentException("filter", "at position " + position + ": expected one of = != < <= > >=, found '"
                                + (op.equals("!") ? "!" : "==") + "'");
                    }
                    if (op.equals("=") && i + 1 < text.length() && text.charAt(i + 1) == '=') {
                        op = "==";
                    }
                    tokens.add(new Token(Kind.OP, op, null, position));
                    i += op.length();
                } else if (Character.isDigit(c) || ((c == '-' || c == '+' || c == '.') && i + 1 < text.length()
                        && (Character.isDigit(text.charAt(i + 1)) || text.charAt(i + 1) == '.'))) {
                    int j = i + 1;
                    while (j < text.length() && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '.'
                            || ((text.charAt(j) == '-' || text.charAt(j) == '+') && (text.charAt(j - 1) == 'e' || text.charAt(j - 1) == 'E')))) {
                        j++;
                    }
                    String number = text.substring(i, j);
                    Object value;
                    try {
                        value = number.matches("[-+]?\\d+") ? (Object) Long.parseLong(number) : (Object) Double.parseDouble(number);
                    } catch (NumberFormatException e) {
                        throw new InvalidArgumentException("filter", "at position " + position + ": '" + number + "' is not a number");
                    }
                    tokens.add(new Token(Kind.NUMBER, number, value, position));
                    i = j;
                } else if (Character.isLetter(c) || c == '_') {
                    int j = i + 1;
                    while (j < text.length() && (Character.isLetterOrDigit(text.charAt(j)) || "._-/:".indexOf(text.charAt(j)) >= 0)) {
                        j++;
                    }
                    tokens.add(new Token(Kind.WORD, text.substring(i, j), null, position));
                    i = j;
                } else {
                    throw new InvalidArgumentException("filter", "at position " + position + ": unexpected character '" + c + "'");
                }
            }
            tokens.add(new Token(Kind.END, "", null, text.length() + 1));
            return tokens;
        }
    }
}
