package io.trialgraph.analytics;

/**
 * The bounds of one table request, checked before any database call. They keep one request from
 * holding the server: Neo4j plans a query in time that grows with the subqueries it joins (one
 * per component kind of a row per trial), and the parser's recursion is bounded by the nesting
 * depth.
 */
public final class TableLimits {

    /** The longest filter, in characters (code points). */
    public static final int MAX_FILTER_LENGTH = 4_096;
    /** The most conditions (comparisons, IN, CONTAINS, STARTS WITH, EXISTS) in one filter. */
    public static final int MAX_FILTER_TERMS = 100;
    /** The deepest nesting of parentheses and NOTs in a filter. */
    public static final int MAX_FILTER_DEPTH = 32;
    /** The most values in one IN list. */
    public static final int MAX_IN_VALUES = 1_000;
    /** The most distinct component kinds the columns of a row per trial may name (each is a subquery per trial). */
    public static final int MAX_KINDS = 16;
    /** The most columns one request may name. */
    public static final int MAX_COLUMNS = 1_000;
    /** The most sort keys. */
    public static final int MAX_SORT_KEYS = 16;
    /** The most tags an experiment_tags scope may name. */
    public static final int MAX_TAGS = 16;
    /** The most trials a trial_names scope may list. */
    public static final int MAX_TRIALS = 1_000;
    /** Rows per page when page_size is 0. */
    public static final int DEFAULT_PAGE_SIZE = 100;
    /** The largest page. */
    public static final int MAX_PAGE_SIZE = 10_000;
    /** Rows per page read by the CSV export. */
    public static final int EXPORT_PAGE_SIZE = 5_000;

    private TableLimits() {}
}
