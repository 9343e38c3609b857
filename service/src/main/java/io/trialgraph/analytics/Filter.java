package io.trialgraph.analytics;

import java.util.List;

/**
 * A parsed filter: a typed tree whose leaves name a {@link Column}. AND and OR chains are kept
 * flat ({@link All}, {@link Any}), so the tree is only as deep as the filter's parentheses and
 * NOTs, which {@link TableLimits#MAX_FILTER_DEPTH} bounds. Built by {@link FilterParser}, turned
 * into Cypher by {@link TableCypher}.
 */
public sealed interface Filter {

    /** @return what {@code visitor} makes of this node (one method per kind of node, so none is forgotten) */
    <R> R accept(Visitor<R> visitor);

    /** Every term holds (two or more). */
    record All(List<Filter> terms) implements Filter {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.all(this);
        }
    }

    /** At least one term holds (two or more). */
    record Any(List<Filter> terms) implements Filter {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.any(this);
        }
    }

    /** The inner filter does not hold. */
    record Not(Filter inner) implements Filter {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.not(this);
        }
    }

    /**
     * {@code column op value}.
     *
     * @param value a Long, Double, String or Boolean
     */
    record Compare(Column column, Op op, Object value) implements Filter {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.compare(this);
        }
    }

    /** {@code column IN (values)}. */
    record In(Column column, List<Object> values) implements Filter {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.in(this);
        }
    }

    /** {@code column CONTAINS text}. */
    record Contains(Column column, String text) implements Filter {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.contains(this);
        }
    }

    /** {@code column STARTS WITH text}. */
    record StartsWith(Column column, String text) implements Filter {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.startsWith(this);
        }
    }

    /** {@code EXISTS column}: the row has a value there. */
    record Exists(Column column) implements Filter {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.exists(this);
        }
    }

    /** What to make of each kind of node. */
    interface Visitor<R> {
        R all(All all);

        R any(Any any);

        R not(Not not);

        R compare(Compare compare);

        R in(In in);

        R contains(Contains contains);

        R startsWith(StartsWith startsWith);

        R exists(Exists exists);
    }

    /** The comparison operators, as written and as Cypher writes them. */
    enum Op {
        EQ("=", "="),
        NE("!=", "<>"),
        LT("<", "<"),
        LE("<=", "<="),
        GT(">", ">"),
        GE(">=", ">=");

        private final String symbol;
        private final String cypher;

        Op(String symbol, String cypher) {
            this.symbol = symbol;
            this.cypher = cypher;
        }

        /** @return the operator as the filter language writes it */
        public String symbol() {
            return symbol;
        }

        /** @return the operator in Cypher */
        public String cypher() {
            return cypher;
        }

        static Op of(String symbol) {
            for (Op op : values()) {
                if (op.symbol.equals(symbol)) {
                    return op;
                }
            }
            return null;
        }
    }
}
