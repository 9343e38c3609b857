package io.trialgraph.service;

import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.store.QueryStore;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks an ad-hoc Cypher query, before Neo4j sees it, against what Neo4j cannot stop once it
 * started:
 * <ul>
 *   <li><b>Nesting</b>: Neo4j's parser recurses once per bracket and per {@code NOT}; a few hundred
 *       of them overflow its stack, after which the connection never answers. At most
 *       {@value #MAX_NESTING} levels of {@code ( [ {} and {@code NOT} are allowed.</li>
 *   <li><b>{@code range()} sizes</b>: Neo4j checks its timeout between rows, never inside one
 *       expression, so {@code reduce(s = 0, x IN range(1, 2000000000) | s + x)} runs on for a minute
 *       after the timeout. Every {@code range()} whose bounds are literals or parameters may
 *       produce at most {@value #MAX_RANGE_ELEMENTS} elements, counting the ranges it is nested in
 *       ({@code [x IN range(1, 10000) | range(1, 10000)]} produces 100,000,000).</li>
 *   <li><b>Nesting {@code reduce()}</b>: {@code reduce(l = [], i IN range(1, 5000) | [l])} builds a
 *       value nested 5,000 levels deep, which Neo4j fails to send (the connection then hangs). A
 *       {@code reduce()} that puts its accumulator inside a list or map on each step may go over
 *       at most {@link QueryStore#MAX_VALUE_DEPTH} elements (a {@code range()} or a list literal),
 *       as deeper results are refused anyway.</li>
 * </ul>
 * Sizes computed from data or functions cannot be seen before the query runs; those are bounded
 * only by the timeout between rows.
 */
public final class CypherBounds {

    /** Most levels of brackets and {@code NOT}s, one inside the other. */
    public static final int MAX_NESTING = 100;

    /** Most elements one {@code range()} may produce, multiplied by the ranges it is iterated inside. */
    public static final long MAX_RANGE_ELEMENTS = 10_000_000;

    private CypherBounds() {}

    private enum Kind {
        WORD,
        NUMBER,
        STRING,
        PARAMETER,
        SYMBOL
    }

    private record Token(Kind kind, String text, int offset) {
        boolean is(String symbol) {
            return (kind == Kind.SYMBOL || kind == Kind.WORD) && text.equalsIgnoreCase(symbol);
        }
    }

    /**
     * @throws InvalidArgumentException on field {@code cypher} when the query nests too deep or
     *     a visible {@code range()} is too large
     */
    public static void check(String cypher, Map<String, Object> parameters) {
        List<Token> tokens = tokens(cypher);
        checkNesting(tokens);
        checkRanges(tokens, parameters);
        checkNestingReduce(tokens, parameters);
    }

    /** Refuses a reduce() that nests its accumulator on each step over more than MAX_VALUE_DEPTH elements. */
    private static void checkNestingReduce(List<Token> tokens, Map<String, Object> parameters) {
        int[] match = matchingBrackets(tokens);
        int[] enclosingAny = new int[tokens.size()];
        Deque<Integer> open = new ArrayDeque<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (match[i] >= 0 && match[i] < i && !open.isEmpty() && open.peek() == match[i]) {
                open.pop();
            }
            enclosingAny[i] = open.isEmpty() ? -1 : open.peek();
            if (match[i] > i) {
                open.push(i);
            }
        }
        for (int i = 0; i + 3 < tokens.size(); i++) {
            if (tokens.get(i).kind() != Kind.WORD
                    || !tokens.get(i).is("reduce")
                    || !tokens.get(i + 1).is("(")
                    || match[i + 1] < 0
                    || tokens.get(i + 2).kind() != Kind.WORD
                    || (i > 0 && tokens.get(i - 1).is("."))) {
                continue;
            }
            int open1 = i + 1;
            int close = match[open1];
            String accumulator = tokens.get(i + 2).text();
            int in = -1;
            int bar = -1;
            for (int j = open1 + 1; j < close; j++) {
                if (enclosingAny[j] != open1) {
                    continue;
                }
                if (in < 0 && tokens.get(j).is("IN")) {
                    in = j;
                } else if (in >= 0 && tokens.get(j).is("|")) {
                    bar = j;
                    break;
                }
            }
            if (in < 0 || bar < 0 || !nestsAccumulator(tokens, match, enclosingAny, accumulator, bar + 1, close)) {
                continue;
            }
            BigInteger elements = elements(tokens, match, in + 1, bar, parameters);
            if (elements == null || elements.compareTo(BigInteger.valueOf(QueryStore.MAX_VALUE_DEPTH)) > 0) {
                throw new InvalidArgumentException(
                        "cypher",
                        "reduce() at offset " + tokens.get(i).offset() + " puts '"
                                + accumulator
                                + "' inside a list or map on every step, so its result nests as deep as its list is long; "
                                + "results nest at most " + QueryStore.MAX_VALUE_DEPTH
                                + " levels (Neo4j cannot send values a few "
                                + "thousand levels deep), so it may go over a range() or list literal of at most "
                                + QueryStore.MAX_VALUE_DEPTH + " elements");
            }
        }
    }

    /** @return true when {@code accumulator} stands whole as an element of a list or a value of a map in the tokens */
    private static boolean nestsAccumulator(
            List<Token> tokens, int[] match, int[] enclosingAny, String accumulator, int from, int to) {
        for (int k = from; k < to; k++) {
            Token token = tokens.get(k);
            if (token.kind() != Kind.WORD || !token.text().equals(accumulator) || enclosingAny[k] < from) {
                continue;
            }
            Token group = tokens.get(enclosingAny[k]);
            Token before = tokens.get(k - 1);
            Token after = tokens.get(k + 1);
            boolean element = group.is("[") && (before.is("[") || before.is(",")) && (after.is("]") || after.is(","));
            boolean value = group.is("{") && before.is(":") && (after.is("}") || after.is(","));
            if (element || value) {
                return true;
            }
        }
        return false;
    }

    /** @return how many elements the list expression has, when it is a visible range() or a list literal; else null */
    private static BigInteger elements(
            List<Token> tokens, int[] match, int from, int to, Map<String, Object> parameters) {
        if (to - from >= 3
                && tokens.get(from).is("range")
                && tokens.get(from + 1).is("(")
                && match[from + 1] == to - 1) {
            return size(arguments(tokens, from + 1, to - 1, match), parameters);
        }
        if (to - from >= 2 && tokens.get(from).is("[") && match[from] == to - 1) {
            if (to - from == 2) {
                return BigInteger.ZERO;
            }
            return BigInteger.valueOf(arguments(tokens, from, to - 1, match).size());
        }
        return null;
    }

    private static void checkNesting(List<Token> tokens) {
        int brackets = 0;
        int nots = 0;
        for (Token token : tokens) {
            if (token.is("(") || token.is("[") || token.is("{")) {
                brackets++;
            } else if (token.is(")") || token.is("]") || token.is("}")) {
                brackets = Math.max(0, brackets - 1);
            }
            nots = token.kind() == Kind.WORD && token.is("NOT") ? nots + 1 : 0;
            if (brackets + nots > MAX_NESTING) {
                throw new InvalidArgumentException(
                        "cypher",
                        "nests brackets and NOTs more than " + MAX_NESTING + " levels deep (at offset " + token.offset()
                                + "); Neo4j's parser cannot take that many");
            }
        }
    }

    /** A {@code range()} call: where its brackets are, its size if visible, and the group it is iterated in. */
    private record RangeCall(int open, int close, BigInteger size, int scopeOpen, int scopeClose) {}

    private static void checkRanges(List<Token> tokens, Map<String, Object> parameters) {
        int[] match = matchingBrackets(tokens);
        int[] enclosing = enclosingGroups(tokens, match);
        List<RangeCall> calls = new ArrayList<>();
        for (int i = 0; i + 1 < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token.kind() != Kind.WORD
                    || !token.is("range")
                    || !tokens.get(i + 1).is("(")
                    || match[i + 1] < 0
                    || (i > 0 && tokens.get(i - 1).is("."))) {
                continue;
            }
            int open = i + 1;
            int close = match[open];
            BigInteger size = size(arguments(tokens, open, close, match), parameters);
            // "x IN range(...)" inside brackets: the rest of those brackets runs once per element.
            boolean iterated =
                    i >= 2 && tokens.get(i - 1).is("IN") && tokens.get(i - 2).kind() == Kind.WORD && enclosing[i] >= 0;
            int scopeOpen = iterated ? enclosing[i] : -1;
            calls.add(new RangeCall(open, close, size, scopeOpen, iterated ? match[scopeOpen] : -1));
        }
        for (RangeCall call : calls) {
            if (call.size() == null) {
                continue;
            }
            BigInteger elements = call.size();
            for (RangeCall outer : calls) {
                if (outer != call
                        && outer.size() != null
                        && outer.scopeOpen() >= 0
                        && outer.close() < call.open()
                        && call.close() < outer.scopeClose()) {
                    elements = elements.multiply(outer.size());
                }
            }
            if (elements.compareTo(BigInteger.valueOf(MAX_RANGE_ELEMENTS)) > 0) {
                throw new InvalidArgumentException(
                        "cypher",
                        "range() at offset " + tokens.get(call.open() - 1).offset()
                                + " produces " + String.format(Locale.ROOT, "%,d", elements) + " elements"
                                + (elements.equals(call.size()) ? "" : " counting the ranges it is iterated in")
                                + "; at most " + String.format(Locale.ROOT, "%,d", MAX_RANGE_ELEMENTS)
                                + " are allowed, since Neo4j cannot stop one expression at its timeout");
            }
        }
    }

    /** @return for each opening bracket the index of its closing one (and back), -1 where unmatched */
    private static int[] matchingBrackets(List<Token> tokens) {
        int[] match = new int[tokens.size()];
        java.util.Arrays.fill(match, -1);
        Deque<Integer> open = new ArrayDeque<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            if (token.is("(") || token.is("[") || token.is("{")) {
                open.push(i);
            } else if ((token.is(")") || token.is("]") || token.is("}")) && !open.isEmpty()) {
                int opening = open.pop();
                match[opening] = i;
                match[i] = opening;
            }
        }
        return match;
    }

    /** @return for each token the index of the innermost ( or [ around it, -1 at the top level */
    private static int[] enclosingGroups(List<Token> tokens, int[] match) {
        int[] enclosing = new int[tokens.size()];
        Deque<Integer> open = new ArrayDeque<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            boolean closes = (token.is(")") || token.is("]") || token.is("}")) && match[i] >= 0;
            if (closes && !open.isEmpty() && open.peek() == match[i]) {
                open.pop();
            }
            enclosing[i] = open.stream()
                    .filter(index -> !tokens.get(index).is("{"))
                    .findFirst()
                    .orElse(-1);
            if ((token.is("(") || token.is("[") || token.is("{")) && match[i] >= 0) {
                open.push(i);
            }
        }
        return enclosing;
    }

    private static List<List<Token>> arguments(List<Token> tokens, int open, int close, int[] match) {
        List<List<Token>> arguments = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        for (int i = open + 1; i < close; i++) {
            Token token = tokens.get(i);
            if (token.is(",")) {
                arguments.add(current);
                current = new ArrayList<>();
            } else if (match[i] > i) {
                for (int j = i; j <= match[i]; j++) {
                    current.add(tokens.get(j));
                }
                i = match[i];
            } else {
                current.add(token);
            }
        }
        arguments.add(current);
        return arguments;
    }

    /** @return the number of elements of range(start, end[, step]), or null when not visible */
    private static BigInteger size(List<List<Token>> arguments, Map<String, Object> parameters) {
        if (arguments.size() < 2 || arguments.size() > 3) {
            return null;
        }
        BigInteger start = new ConstantInteger(arguments.get(0), parameters).value();
        BigInteger end = new ConstantInteger(arguments.get(1), parameters).value();
        BigInteger step =
                arguments.size() == 3 ? new ConstantInteger(arguments.get(2), parameters).value() : BigInteger.ONE;
        if (start == null || end == null || step == null || step.signum() == 0) {
            return null;
        }
        BigInteger span = end.subtract(start);
        if (span.signum() != 0 && span.signum() != step.signum()) {
            return BigInteger.ZERO;
        }
        return span.divide(step).add(BigInteger.ONE);
    }

    /**
     * Evaluates an argument made of integer literals, integer parameters, {@code + - * /} and
     * parentheses; anything else (a variable, a function, a float) makes it not visible (null).
     */
    private static final class ConstantInteger {
        private static final BigInteger LIMIT = BigInteger.ONE.shiftLeft(70);
        private final List<Token> tokens;
        private final Map<String, Object> parameters;
        private int position;

        ConstantInteger(List<Token> tokens, Map<String, Object> parameters) {
            this.tokens = tokens;
            this.parameters = parameters;
        }

        BigInteger value() {
            try {
                BigInteger value = sum();
                return position == tokens.size() ? value : null;
            } catch (ArithmeticException | IllegalStateException notConstant) {
                return null;
            }
        }

        private BigInteger sum() {
            BigInteger value = product();
            while (position < tokens.size()
                    && (tokens.get(position).is("+") || tokens.get(position).is("-"))) {
                boolean plus = tokens.get(position++).is("+");
                value = bounded(plus ? value.add(product()) : value.subtract(product()));
            }
            return value;
        }

        private BigInteger product() {
            BigInteger value = unary();
            while (position < tokens.size()
                    && (tokens.get(position).is("*") || tokens.get(position).is("/"))) {
                boolean times = tokens.get(position++).is("*");
                value = bounded(times ? value.multiply(unary()) : value.divide(unary()));
            }
            return value;
        }

        private BigInteger unary() {
            if (position < tokens.size() && tokens.get(position).is("-")) {
                position++;
                return unary().negate();
            }
            if (position < tokens.size() && tokens.get(position).is("+")) {
                position++;
                return unary();
            }
            if (position >= tokens.size()) {
                throw new IllegalStateException();
            }
            Token token = tokens.get(position++);
            if (token.is("(")) {
                BigInteger value = sum();
                if (position >= tokens.size() || !tokens.get(position++).is(")")) {
                    throw new IllegalStateException();
                }
                return value;
            }
            if (token.kind() == Kind.NUMBER) {
                return integer(token.text());
            }
            if (token.kind() == Kind.PARAMETER) {
                Object value = parameters.get(token.text());
                if (value instanceof Long || value instanceof Integer) {
                    return BigInteger.valueOf(((Number) value).longValue());
                }
            }
            throw new IllegalStateException();
        }

        private static BigInteger integer(String text) {
            String digits = text.replace("_", "").toLowerCase(Locale.ROOT);
            if (digits.startsWith("0x")) {
                return new BigInteger(digits.substring(2), 16);
            }
            if (digits.startsWith("0o")) {
                return new BigInteger(digits.substring(2), 8);
            }
            if (digits.chars().allMatch(Character::isDigit)) {
                return new BigInteger(digits);
            }
            throw new IllegalStateException();
        }

        private static BigInteger bounded(BigInteger value) {
            if (value.abs().compareTo(LIMIT) > 0) {
                throw new IllegalStateException();
            }
            return value;
        }
    }

    /** Splits Cypher into words, numbers, strings, parameters and symbols; comments and blanks are dropped. */
    private static List<Token> tokens(String cypher) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = cypher.length();
        while (i < n) {
            char c = cypher.charAt(i);
            int start = i;
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '/' && i + 1 < n && cypher.charAt(i + 1) == '/') {
                while (i < n && cypher.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && cypher.charAt(i + 1) == '*') {
                int end = cypher.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (c == '\'' || c == '"') {
                i++;
                while (i < n && cypher.charAt(i) != c) {
                    i += cypher.charAt(i) == '\\' ? 2 : 1;
                }
                i = Math.min(n, i + 1);
                tokens.add(new Token(Kind.STRING, "", start));
            } else if (c == '`') {
                i = quotedName(cypher, i);
                tokens.add(new Token(Kind.WORD, cypher.substring(start, i), start));
            } else if (c == '$') {
                i++;
                String name;
                if (i < n && cypher.charAt(i) == '`') {
                    int end = quotedName(cypher, i);
                    name = cypher.substring(i + 1, Math.max(i + 1, end - 1)).replace("``", "`");
                    i = end;
                } else {
                    int from = i;
                    while (i < n && Character.isJavaIdentifierPart(cypher.charAt(i))) {
                        i++;
                    }
                    name = cypher.substring(from, i);
                }
                tokens.add(new Token(Kind.PARAMETER, name, start));
            } else if (Character.isDigit(c)) {
                while (i < n
                        && (Character.isLetterOrDigit(cypher.charAt(i))
                                || cypher.charAt(i) == '_'
                                || (cypher.charAt(i) == '.' && i + 1 < n && Character.isDigit(cypher.charAt(i + 1))))) {
                    i++;
                }
                tokens.add(new Token(Kind.NUMBER, cypher.substring(start, i), start));
            } else if (Character.isJavaIdentifierStart(c)) {
                while (i < n && Character.isJavaIdentifierPart(cypher.charAt(i))) {
                    i++;
                }
                tokens.add(new Token(Kind.WORD, cypher.substring(start, i), start));
            } else {
                i++;
                tokens.add(new Token(Kind.SYMBOL, String.valueOf(c), start));
            }
        }
        return tokens;
    }

    /** @return the index after a backtick-quoted name starting at {@code i} (doubled backticks escape one) */
    private static int quotedName(String cypher, int i) {
        int n = cypher.length();
        i++;
        while (i < n) {
            if (cypher.charAt(i) == '`') {
                if (i + 1 < n && cypher.charAt(i + 1) == '`') {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return n;
    }
}
