package io.trialgraph.store;

import io.trialgraph.domain.Lineage;
import io.trialgraph.domain.Lineage.Direction;
import io.trialgraph.domain.NotFoundException;
import io.trialgraph.neo4j.Neo4jConnection;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;

/**
 * Walks the data-flow edges {@code (:Artifact)-[:CONSUMED_BY]->(:TrialComponent)-[:PRODUCED]->(:Artifact)}.
 * All lineage Cypher is here.
 *
 * <p>The walk is one {@code ANY SHORTEST} quantified path pattern per direction: Neo4j runs it as
 * a breadth-first search from the start nodes, so every node is visited once at its shortest
 * distance, cycles end by themselves, and diamonds (a dataset reached along many paths) cost
 * nothing extra. Relationship types come from the fixed set {@link Lineage#EDGE_TYPES} only, so
 * building them into the query text is safe.
 */
@Singleton
public class LineageStore {

    private static final String RESOLVE = """
            UNWIND $refs AS ref
            OPTIONAL MATCH (a:Artifact {uri: ref.uri})
            OPTIONAL MATCH (b:Artifact {id: ref.id})
            OPTIONAL MATCH (c:TrialComponent {name: ref.component})
            RETURN ref.index AS index, coalesce(elementId(a), elementId(b), elementId(c)) AS id""";

    /** The walk, for one direction; {@code %s} is the relationship pattern. */
    private static final String WALK = """
            MATCH (s) WHERE elementId(s) IN $starts
            MATCH p = ANY SHORTEST (s)((a)%s(b)
                WHERE elementId(a) IN $starts OR NOT (
                    (a:Artifact AND (a.kind IN $stop OR 'artifact' IN $stop))
                    OR (a:TrialComponent AND ('component' IN $stop OR ('component:' + coalesce(a.kind, '')) IN $stop))
                )){0,%d}(m)
            WITH m, min(length(p)) AS depth
            RETURN elementId(m) AS id, depth, m:Artifact AS artifact,
                   m {.uri, .id, .kind, .name, .status, .digest} AS properties""";

    /**
     * Edges between the given nodes, found from their incoming side: in lineage graphs in-degrees
     * are small (a job's inputs, an artifact's producer) while out-degrees are not (a script or
     * dataset used by thousands of jobs), and expanding outgoing edges cost 2,600 relationship
     * reads for an 11-node answer in the lineage benchmark.
     */
    private static final String EDGES = """
            UNWIND $ids AS id
            MATCH (b) WHERE elementId(b) = id
            MATCH (a)-[r]->(b)
            WHERE type(r) IN $types AND elementId(a) IN $ids
            RETURN elementId(a) AS from, elementId(b) AS to, type(r) AS type, r.name AS name""";

    private final Neo4jConnection neo4j;

    LineageStore(Neo4jConnection neo4j) {
        this.neo4j = neo4j;
    }

    /** A node reached by a walk, with its database id for the edge query. */
    public record Reached(String elementId, Lineage.Node node) {
    }

    /** An edge between database ids. */
    public record Link(String fromId, String toId, String type, String name) {
    }

    /** A walk's result: the nodes reached and the edges among the nodes the caller selected. */
    public record Walk(List<Reached> reached, List<Link> links) {
    }

    /**
     * Walks from the start nodes, then reads the edges between the nodes {@code select} picks
     * from those reached, all in one read transaction.
     *
     * @param select given every node reached (each at its smallest depth), returns the database
     *     ids of the nodes whose edges the answer needs
     * @throws NotFoundException when a start node does not exist
     */
    public Walk walk(List<Lineage.NodeRef> start, Direction direction, int maxDepth, Set<String> edgeTypes,
            Set<String> stopKinds, Function<List<Reached>, Collection<String>> select) {
        return neo4j.read(tx -> {
            List<String> starts = resolve(tx, start);
            Map<String, Object> parameters = Map.of("starts", starts, "stop", List.copyOf(stopKinds));
            String types = String.join("|", new TreeSet<>(edgeTypes));
            Map<String, Reached> reached = new HashMap<>();
            if (direction != Direction.DOWNSTREAM) {
                collect(tx, WALK.formatted("<-[:" + types + "]-", maxDepth), parameters, reached);
            }
            if (direction != Direction.UPSTREAM) {
                collect(tx, WALK.formatted("-[:" + types + "]->", maxDepth), parameters, reached);
            }
            List<Reached> nodes = new ArrayList<>(reached.values());
            List<String> ids = List.copyOf(select.apply(nodes));
            List<Link> links = ids.isEmpty() ? List.of()
                    : tx.run(EDGES, Map.of("ids", ids, "types", List.copyOf(edgeTypes))).list(r -> new Link(
                            r.get("from").asString(), r.get("to").asString(), r.get("type").asString(), r.get("name").asString("")));
            return new Walk(nodes, links);
        });
    }

    private static List<String> resolve(TransactionContext tx, List<Lineage.NodeRef> start) {
        List<Map<String, Object>> refs = new ArrayList<>();
        for (int i = 0; i < start.size(); i++) {
            Lineage.NodeRef ref = start.get(i);
            Map<String, Object> row = new HashMap<>();
            row.put("index", i);
            row.put("uri", ref.artifactUri());
            row.put("id", ref.artifactId());
            row.put("component", ref.componentName());
            refs.add(row);
        }
        List<String> ids = new ArrayList<>();
        for (Record record : tx.run(RESOLVE, Map.of("refs", refs)).list()) {
            if (record.get("id").isNull()) {
                Lineage.NodeRef missing = start.get(record.get("index").asInt());
                if (missing.artifactUri() != null) {
                    throw new NotFoundException("artifact", missing.artifactUri());
                }
                throw missing.artifactId() != null
                        ? new NotFoundException("artifact with id", missing.artifactId())
                        : new NotFoundException("trial component", missing.componentName());
            }
            ids.add(record.get("id").asString());
        }
        return ids;
    }

    private static void collect(TransactionContext tx, String query, Map<String, Object> parameters, Map<String, Reached> reached) {
        for (Record record : tx.run(query, parameters).list()) {
            String id = record.get("id").asString();
            int depth = record.get("depth").asInt();
            Reached earlier = reached.get(id);
            if (earlier == null || earlier.node().depth() > depth) {
                reached.put(id, new Reached(id, node(record, depth)));
            }
        }
    }

    private static Lineage.Node node(Record record, int depth) {
        Map<String, Object> p = record.get("properties").asMap();
        if (record.get("artifact").asBoolean()) {
            String uri = GraphValues.string(p, "uri");
            return new Lineage.Node("artifact:" + uri, GraphValues.string(p, "kind"), GraphValues.string(p, "name"), uri,
                    GraphValues.string(p, "id"), "", GraphValues.string(p, "digest"), depth);
        }
        String name = GraphValues.string(p, "name");
        return new Lineage.Node("component:" + name, "component:" + GraphValues.string(p, "kind"), name, "", "",
                GraphValues.string(p, "status"), "", depth);
    }
}
