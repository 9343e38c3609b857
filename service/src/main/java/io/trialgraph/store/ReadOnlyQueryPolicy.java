package io.trialgraph.store;

import io.trialgraph.domain.PermissionDeniedException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.neo4j.driver.Value;
import org.neo4j.driver.summary.Plan;
import org.neo4j.driver.summary.QueryType;
import org.neo4j.driver.summary.ResultSummary;

/**
 * What a caller's read-only Cypher may do, decided on Neo4j's own plan of it ({@code EXPLAIN}),
 * never on keywords: read the graph and its schema, and nothing about the DBMS or its other
 * clients. Refused, each with its reason: writes and schema changes; administration commands
 * ({@code SHOW USERS}, {@code SHOW DATABASES}, ...); {@code SHOW SETTINGS} (paths, addresses);
 * {@code SHOW TRANSACTIONS} and {@code TERMINATE TRANSACTIONS} (other callers' queries);
 * {@code LOAD CSV} (files and URLs); procedures Neo4j marks {@code admin} (such as
 * {@code db.stats.retrieve}, which returns other callers' queries with their parameters) or
 * that change the DBMS's state although they run in READ mode (plan caches, index statistics,
 * the query collector); and every procedure not in READ mode.
 */
final class ReadOnlyQueryPolicy {

    /** Neo4j's own description of a procedure ({@code SHOW PROCEDURES}): its mode and admin flag. */
    record Procedure(String mode, boolean admin) {}

    /** Looks a procedure up by name, e.g. with {@link #PROCEDURE_QUERY}. */
    interface Procedures {
        Optional<Procedure> find(String name);
    }

    /** The query that describes a procedure; parameter {@code $name}, columns {@code mode} and {@code admin}. */
    static final String PROCEDURE_QUERY =
            "SHOW PROCEDURES YIELD name, mode, admin WHERE name = $name RETURN mode, admin";

    /** Commands that only show the graph's own schema and the procedures and functions callers may use. */
    private static final Set<String> ALLOWED_COMMANDS =
            Set.of("ShowIndexes", "ShowConstraints", "ShowProcedures", "ShowFunctions");

    /** Plan operators refused, with the reason. */
    private static final Map<String, String> REFUSED_OPERATORS = Map.of(
            "AdministrationCommand",
                    "is a DBMS administration command (users, roles, databases: SHOW USERS, SHOW DATABASES, ...)",
            "ShowSettings", "reads the DBMS's settings (SHOW SETTINGS: its files, addresses and limits)",
            "ShowTransactions", "lists the transactions of every client with their queries (SHOW TRANSACTIONS)",
            "TerminateTransactions", "stops other clients' transactions (TERMINATE TRANSACTIONS)",
            "LoadCSV", "reads files or URLs (LOAD CSV)");

    /** READ-mode procedures that nevertheless change the DBMS's state. */
    private static final Map<String, String> STATE_CHANGING = Map.of(
            "db.prepareForReplanning", "empties the plan caches",
            "db.clearQueryCaches", "empties the query caches",
            "db.resampleIndex", "resamples an index's statistics",
            "db.resampleOutdatedIndexes", "resamples index statistics",
            "db.checkpoint", "forces a checkpoint",
            "db.stats.collect", "starts Neo4j's query collector",
            "db.stats.stop", "stops Neo4j's query collector",
            "db.stats.clear", "clears Neo4j's query collector");

    private static final String NOT_HERE = "; only reading the graph is allowed here";

    private ReadOnlyQueryPolicy() {}

    /**
     * Checks a query by its plan.
     *
     * @param explained the summary of {@code EXPLAIN <query>}
     * @throws PermissionDeniedException saying what the query would do that is not allowed
     */
    static void check(ResultSummary explained, Procedures procedures) {
        // Operators first: an administration command is planned as a schema write, and would be
        // refused for that, with the wrong reason.
        if (explained.hasPlan()) {
            checkOperators(explained.plan(), procedures);
        }
        QueryType type = explained.queryType();
        if (type != QueryType.READ_ONLY) {
            throw new PermissionDeniedException("the query " + describe(type)
                    + "; only read-only Cypher may run here (use the API to change the graph)");
        }
    }

    private static void checkOperators(Plan plan, Procedures procedures) {
        String operator = plan.operatorType().replaceAll("@.*$", "");
        String refused = REFUSED_OPERATORS.get(operator);
        if (refused != null) {
            throw new PermissionDeniedException("the query " + refused + NOT_HERE);
        }
        if ((operator.startsWith("Show") || operator.startsWith("Terminate")) && !ALLOWED_COMMANDS.contains(operator)) {
            throw new PermissionDeniedException("the query uses the DBMS command " + operator + NOT_HERE);
        }
        if (operator.startsWith("ProcedureCall")) {
            checkProcedure(procedureName(plan), procedures);
        }
        for (Plan child : plan.children()) {
            checkOperators(child, procedures);
        }
    }

    private static void checkProcedure(String name, Procedures procedures) {
        String change = STATE_CHANGING.get(name);
        if (change != null) {
            throw new PermissionDeniedException(
                    "the query calls procedure " + name + ", which " + change + " of the DBMS" + NOT_HERE);
        }
        Procedure procedure = procedures.find(name).orElse(new Procedure("UNKNOWN", false));
        if (procedure.admin()) {
            throw new PermissionDeniedException(
                    "the query calls procedure " + name + ", which Neo4j reserves for administrators" + NOT_HERE);
        }
        if (!"READ".equals(procedure.mode())) {
            throw new PermissionDeniedException("the query calls procedure " + name + " (mode " + procedure.mode()
                    + "); only READ procedures may run here");
        }
    }

    /** The procedure's name, from the plan's details, e.g. {@code db.labels() :: (label :: STRING)}. */
    private static String procedureName(Plan plan) {
        Value signature =
                plan.arguments().getOrDefault("Details", plan.arguments().get("Signature"));
        String text = signature == null || signature.isNull() ? "" : signature.asString();
        int paren = text.indexOf('(');
        return (paren > 0 ? text.substring(0, paren) : text).trim();
    }

    private static String describe(QueryType type) {
        return switch (type) {
            case READ_WRITE, WRITE_ONLY -> "writes to the graph";
            case SCHEMA_WRITE -> "changes the schema";
            default -> "is not read-only";
        };
    }
}
