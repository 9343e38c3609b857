package io.trialgraph.store;

import io.trialgraph.domain.NotFoundException;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;

/** "Does every one of these names exist?": one query shape for every kind of named node. */
final class Existence {

    /** The kinds of node found by a unique {@code name}, with the word messages use for them. */
    enum Named {
        EXPERIMENT("Experiment", "experiment"),
        TRIAL("Trial", "trial"),
        COMPONENT("TrialComponent", "trial component");

        private final String query;
        private final String word;

        Named(String label, String word) {
            // The label is a constant of this enum, never request text.
            this.query = "UNWIND $names AS name OPTIONAL MATCH (n:" + label
                    + " {name: name}) WITH name, n WHERE n IS NULL" + " RETURN name LIMIT 1";
            this.word = word;
        }
    }

    private Existence() {}

    /** @throws NotFoundException naming the first of {@code names} that no node of the kind has */
    static void requireAll(TransactionContext tx, Named kind, List<String> names) {
        List<Record> missing = tx.run(kind.query, Map.of("names", names)).list();
        if (!missing.isEmpty()) {
            throw new NotFoundException(kind.word, missing.get(0).get("name").asString());
        }
    }
}
