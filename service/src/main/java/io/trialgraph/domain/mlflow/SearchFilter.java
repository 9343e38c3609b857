package io.trialgraph.domain.mlflow;

import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.domain.mlflow.SearchClause.Entity;
import io.trialgraph.domain.mlflow.SearchClause.Operator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * MLflow's search language for runs and experiments, parsed into typed clauses: comparisons
 * joined by {@code AND}, e.g.
 * {@code metrics.acc > 0.8 and params.optimizer = 'adam' and tags."mlflow.user" LIKE 'a%'}.
 *
 * <ul>
 *   <li>An identifier is {@code <entity>.<key>} with entity {@code metric(s)}, {@code param(s)} /
 *       {@code parameter(s)}, {@code tag(s)}, {@code attribute(s)} / {@code attr} / {@code run},
 *       {@code dataset(s)}; a bare name is an attribute. Keys with other characters are quoted
 *       with {@code "..."}, {@code '...'} or backticks.</li>
 *   <li>Metrics and numeric attributes take numbers and {@code = != < <= > >=}; parameters, tags
 *       and string attributes take quoted strings and {@code = != LIKE ILIKE}; {@code run_id}
 *       and dataset fields also {@code IN ('a', 'b')} and {@code NOT IN (...)}.</li>
 * </ul>
 *
 * A filter that breaks a rule is refused with the position and what was expected, before the
 * database sees it. Length and clauses are bounded ({@link MlflowRules#FILTER_MAX},
 * {@link MlflowRules#MAX_CLAUSES}).
 */
public final class SearchFilter {

    /** What is searched: each has its own attributes. */
    public enum Target {
        RUNS(
                Set.of("run_id", "run_name", "status", "user_id", "artifact_uri", "lifecycle_stage"),
                Set.of("start_time", "end_time"),
                Set.of(
                        "run_id",
                        "run_name",
                        "status",
                        "user_id",
                        "artifact_uri",
                        "lifecycle_stage",
                        "experiment_id",
                        "start_time",
                        "end_time")),
        EXPERIMENTS(
                Set.of("name"),
                Set.of("creation_time", "last_update_time"),
                Set.of("name", "experiment_id", "creation_time", "last_update_time"));

        private final Set<String> stringAttributes;
        private final Set<String> numericAttributes;
        private final Set<String> orderable;

        Target(Set<String> stringAttributes, Set<String> numericAttributes, Set<String> orderable) {
            this.stringAttributes = stringAttributes;
            this.numericAttributes = numericAttributes;
            this.orderable = orderable;
        }
    }

    private static final Map<String, Entity> ENTITIES = Map.ofEntries(
            Map.entry("metric", Entity.METRIC), Map.entry("metrics", Entity.METRIC),
            Map.entry("param", Entity.PARAM), Map.entry("params", Entity.PARAM),
            Map.entry("parameter", Entity.PARAM), Map.entry("parameters", Entity.PARAM),
            Map.entry("tag", Entity.TAG), Map.entry("tags", Entity.TAG),
            Map.entry("attribute", Entity.ATTRIBUTE), Map.entry("attributes", Entity.ATTRIBUTE),
            Map.entry("attr", Entity.ATTRIBUTE), Map.entry("run", Entity.ATTRIBUTE),
            Map.entry("dataset", Entity.DATASET), Map.entry("datasets", Entity.DATASET));

    private static final Map<String, String> ALIASES = Map.of(
            "created",
            "start_time",
            "Created",
            "start_time",
            "run name",
            "run_name",
            "Run name",
            "run_name",
            "Run Name",
            "run_name");

    private static final Set<String> DATASET_FIELDS = Set.of("name", "digest", "context");

    private final String field;
    private final String text;
    private final Target target;
    private int at;

    private SearchFilter(String field, String text, Target target) {
        this.field = field;
        this.text = text;
        this.target = target;
    }

    /**
     * @param field the request field, for messages
     * @return the clauses; empty for an empty filter
     * @throws InvalidArgumentException naming the field, the position and the rule
     */
    public static List<SearchClause> parse(String field, String filter, Target target) {
        if (filter == null || filter.isBlank()) {
            return List.of();
        }
        if (filter.length() > MlflowRules.FILTER_MAX) {
            throw new InvalidArgumentException(
                    field, "must be at most " + MlflowRules.FILTER_MAX + " characters, has " + filter.length());
        }
        SearchFilter parser = new SearchFilter(field, filter, target);
        List<SearchClause> clauses = new ArrayList<>();
        clauses.add(parser.clause());
        while (parser.skipSpace()) {
            parser.keyword("AND", "AND or the end of the filter");
            if (clauses.size() == MlflowRules.MAX_CLAUSES) {
                throw new InvalidArgumentException(field, "has more than " + MlflowRules.MAX_CLAUSES + " comparisons");
            }
            clauses.add(parser.clause());
        }
        return clauses;
    }

    /**
     * Parses one {@code order_by} entry: an identifier, optionally followed by ASC or DESC.
     *
     * @throws InvalidArgumentException naming the field when it is not one
     */
    public static OrderKey orderKey(String field, String orderBy, Target target) {
        if (orderBy == null || orderBy.isBlank()) {
            throw new InvalidArgumentException(field, "is empty; expected e.g. metrics.acc DESC or start_time");
        }
        SearchFilter parser = new SearchFilter(field, orderBy, target);
        parser.skipSpace();
        Identifier id = parser.identifier();
        boolean ascending = true;
        if (parser.skipSpace()) {
            int start = parser.at;
            String direction = parser.word();
            if (direction.equalsIgnoreCase("DESC")) {
                ascending = false;
            } else if (!direction.equalsIgnoreCase("ASC")) {
                parser.at = start;
                throw parser.expected("ASC, DESC or the end", parser.rest());
            }
            if (parser.skipSpace()) {
                throw parser.expected("the end of the order", parser.rest());
            }
        }
        if (id.entity == Entity.DATASET) {
            throw new InvalidArgumentException(
                    field, "cannot order by dataset fields: '" + MlflowRules.quoted(orderBy) + "'");
        }
        if (id.entity == Entity.ATTRIBUTE && !target.orderable.contains(id.key)) {
            throw new InvalidArgumentException(
                    field,
                    "cannot order by attribute '" + id.key + "'; use one of " + new TreeSet<>(target.orderable)
                            + ", metrics.<name>, params.<name> or tags.<name>");
        }
        if (target == Target.EXPERIMENTS && id.entity != Entity.ATTRIBUTE) {
            throw new InvalidArgumentException(
                    field,
                    "experiments are ordered by " + new TreeSet<>(target.orderable) + ", not '"
                            + MlflowRules.quoted(orderBy) + "'");
        }
        return new OrderKey(id.entity, id.key, ascending);
    }

    private record Identifier(Entity entity, String key) {}

    private SearchClause clause() {
        skipSpace();
        int start = at;
        Identifier id = identifier();
        validateIdentifier(id, start);
        skipSpace();
        Operator operator = operator();
        skipSpace();
        Object value = value(id, operator);
        return new SearchClause(id.entity, id.key, operator, value);
    }

    private Identifier identifier() {
        String first = part(true);
        if (at < text.length() && text.charAt(at) == '.') {
            Entity entity = ENTITIES.get(first);
            if (entity == null) {
                throw new InvalidArgumentException(
                        field,
                        "at position " + (at - first.length() + 1) + ": unknown entity '" + MlflowRules.quoted(first)
                                + "'; expected metrics, params, tags, attributes or datasets");
            }
            at++;
            String key = part(false);
            if (key.isEmpty()) {
                throw expected("a name after '" + first + ".'", rest());
            }
            return new Identifier(entity, entity == Entity.ATTRIBUTE ? ALIASES.getOrDefault(key, key) : key);
        }
        if (first.isEmpty()) {
            throw expected("a column such as metrics.acc, params.lr, tags.team or start_time", rest());
        }
        return new Identifier(Entity.ATTRIBUTE, ALIASES.getOrDefault(first, first));
    }

    private void validateIdentifier(Identifier id, int start) {
        String where = "at position " + (start + 1) + ": ";
        if (target == Target.EXPERIMENTS && id.entity != Entity.ATTRIBUTE && id.entity != Entity.TAG) {
            throw new InvalidArgumentException(
                    field,
                    where + "experiments are searched by name, creation_time,"
                            + " last_update_time and tags.<key>, not "
                            + id.entity.name().toLowerCase(Locale.ROOT) + "s");
        }
        if (id.entity == Entity.ATTRIBUTE
                && !target.stringAttributes.contains(id.key)
                && !target.numericAttributes.contains(id.key)) {
            TreeSet<String> known = new TreeSet<>(target.stringAttributes);
            known.addAll(target.numericAttributes);
            throw new InvalidArgumentException(
                    field, where + "unknown attribute '" + MlflowRules.quoted(id.key) + "'; expected one of " + known);
        }
        if (id.entity == Entity.DATASET && !DATASET_FIELDS.contains(id.key)) {
            throw new InvalidArgumentException(
                    field,
                    where + "unknown dataset field '" + MlflowRules.quoted(id.key)
                            + "'; expected name, digest or context");
        }
    }

    /** A bare word (letters, digits, '_'; keys also '.', '-', '/', ':') or a quoted name. */
    private String part(boolean entity) {
        if (at < text.length() && (text.charAt(at) == '"' || text.charAt(at) == '\'' || text.charAt(at) == '`')) {
            return quoted();
        }
        int start = at;
        while (at < text.length()) {
            char c = text.charAt(at);
            boolean ok = Character.isLetterOrDigit(c)
                    || c == '_'
                    || (!entity && (c == '.' || c == '-' || c == '/' || c == ':'));
            if (!ok) {
                break;
            }
            at++;
        }
        return text.substring(start, at);
    }

    private String quoted() {
        char quote = text.charAt(at);
        int end = text.indexOf(quote, at + 1);
        if (end < 0) {
            throw new InvalidArgumentException(
                    field, "at position " + (at + 1) + ": the quote " + quote + " is never closed");
        }
        String value = text.substring(at + 1, end);
        at = end + 1;
        return value;
    }

    private Operator operator() {
        if (at >= text.length()) {
            throw expected("a comparison (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN)", "the end of the filter");
        }
        for (String symbol : List.of("!=", "<=", ">=", "=", "<", ">")) {
            if (text.startsWith(symbol, at)) {
                at += symbol.length();
                return switch (symbol) {
                    case "!=" -> Operator.NE;
                    case "<=" -> Operator.LE;
                    case ">=" -> Operator.GE;
                    case "=" -> Operator.EQ;
                    case "<" -> Operator.LT;
                    default -> Operator.GT;
                };
            }
        }
        int start = at;
        String word = word().toUpperCase(Locale.ROOT);
        switch (word) {
            case "LIKE":
                return Operator.LIKE;
            case "ILIKE":
                return Operator.ILIKE;
            case "IN":
                return Operator.IN;
            case "NOT":
                skipSpace();
                keyword("IN", "IN after NOT");
                return Operator.NOT_IN;
            default:
                at = start;
                throw expected("a comparison (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN)", rest());
        }
    }

    private Object value(Identifier id, Operator operator) {
        boolean numeric = id.entity == Entity.METRIC
                || (id.entity == Entity.ATTRIBUTE && target.numericAttributes.contains(id.key));
        String what = describe(id);
        if (numeric) {
            if (operator == Operator.LIKE
                    || operator == Operator.ILIKE
                    || operator == Operator.IN
                    || operator == Operator.NOT_IN) {
                throw new InvalidArgumentException(
                        field,
                        "at position " + (at + 1) + ": " + what + " compares numbers with"
                                + " =, !=, <, <=, > or >=, not " + operator.text());
            }
            String number = numberText();
            if (id.entity == Entity.METRIC) {
                return Double.parseDouble(number);
            }
            try {
                return Long.parseLong(number);
            } catch (NumberFormatException e) {
                throw new InvalidArgumentException(
                        field,
                        "at position " + (at - number.length() + 1) + ": " + what
                                + " is compared with whole milliseconds since the epoch, not " + number);
            }
        }
        if (operator.isOrdering()) {
            throw new InvalidArgumentException(
                    field,
                    "at position " + (at + 1) + ": " + what + " compares strings with" + " =, !=, LIKE or ILIKE, not "
                            + operator.text());
        }
        boolean lists = (id.entity == Entity.ATTRIBUTE && id.key.equals("run_id")) || id.entity == Entity.DATASET;
        if (operator == Operator.IN || operator == Operator.NOT_IN) {
            if (!lists) {
                throw new InvalidArgumentException(
                        field,
                        "at position " + (at + 1) + ": only run_id and dataset fields take " + operator.text()
                                + " (...), " + what + " does not");
            }
            return list();
        }
        if (at >= text.length() || (text.charAt(at) != '\'' && text.charAt(at) != '"')) {
            throw expected("a quoted string value for " + what + " (e.g. 'adam')", rest());
        }
        return quoted();
    }

    private List<String> list() {
        if (at >= text.length() || text.charAt(at) != '(') {
            throw expected("a list such as ('a', 'b')", rest());
        }
        at++;
        List<String> values = new ArrayList<>();
        while (true) {
            skipSpace();
            if (at >= text.length() || (text.charAt(at) != '\'' && text.charAt(at) != '"')) {
                throw expected("a quoted string in the list", rest());
            }
            values.add(quoted());
            skipSpace();
            if (at < text.length() && text.charAt(at) == ',') {
                at++;
                continue;
            }
            if (at < text.length() && text.charAt(at) == ')') {
                at++;
                return List.copyOf(values);
            }
            throw expected("',' or ')'", rest());
        }
    }

    private String numberText() {
        int start = at;
        while (at < text.length() && "0123456789+-.eE".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        String number = text.substring(start, at);
        try {
            Double.parseDouble(number);
            if (number.isEmpty() || number.endsWith("d") || number.endsWith("f")) {
                throw new NumberFormatException();
            }
            return number;
        } catch (NumberFormatException e) {
            at = start;
            throw expected("a number", rest());
        }
    }

    private static String describe(Identifier id) {
        return switch (id.entity) {
            case METRIC -> "metric '" + id.key + "'";
            case PARAM -> "parameter '" + id.key + "'";
            case TAG -> "tag '" + id.key + "'";
            case ATTRIBUTE -> "attribute '" + id.key + "'";
            case DATASET -> "dataset field '" + id.key + "'";
        };
    }

    private void keyword(String keyword, String expected) {
        int start = at;
        String word = word();
        if (!word.equalsIgnoreCase(keyword)) {
            at = start;
            throw expected(expected, rest());
        }
    }

    private String word() {
        int start = at;
        while (at < text.length() && Character.isLetter(text.charAt(at))) {
            at++;
        }
        return text.substring(start, at);
    }

    /** Skips blanks; @return whether more text follows */
    private boolean skipSpace() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
        return at < text.length();
    }

    private String rest() {
        if (at >= text.length()) {
            return "the end of the filter";
        }
        String rest = text.substring(at);
        return "'" + (rest.length() > 30 ? rest.substring(0, 30) + "..." : rest) + "'";
    }

    private InvalidArgumentException expected(String what, String found) {
        return new InvalidArgumentException(
                field, "at position " + (at + 1) + ": expected " + what + ", found " + found);
    }
}
