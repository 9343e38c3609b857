package io.trialgraph.store;

import io.trialgraph.analytics.Stat;
import io.trialgraph.analytics.StatsRow;
import io.trialgraph.domain.MetricBatch;
import io.trialgraph.domain.MetricPoints;
import io.trialgraph.domain.MetricSummary;
import io.trialgraph.domain.NotFoundException;
import io.trialgraph.neo4j.Neo4jConnection;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.Value;

/**
 * Metrics in the graph:
 * {@code (:TrialComponent)-[:HAS_METRIC]->(:Metric {component, name, <summary>, tail...})-[:HAS_CHUNK]->(:MetricChunk)}.
 *
 * <p>Points live in chunk nodes ({@code points}: steps, timestamps and values encoded by
 * {@link PointCodec}), never one node per point. A batch's points for one series become chunks of
 * their own when there are many of them; a few points are appended to the metric's <em>tail</em>
 * ({@code Metric.tail}, same encoding) until it holds a full chunk, so small batches do not leave
 * thousands of tiny chunks. The summary on the metric node is updated in the same transaction.
 * Writers' high-water marks live on {@code (:MetricWriter {id, sequence})}.
 */
@Singleton
public class MetricStore {

    /**
     * Points per chunk: a 100,000-point series is about 50 nodes, and a tail rewrite stays cheap.
     * Measured with the ingest and series benchmarks: 8,192 ingested and read no faster (within
     * run-to-run noise), so the smaller size wins for the tail.
     */
    static final int CHUNK_SIZE = 2_048;
    /** A batch brings at least this many points of a series to make chunks of them directly. */
    static final int DIRECT_CHUNK_MIN = CHUNK_SIZE / 4;

    /**
     * Takes the writer's lock (MERGE + SET) before reading its sequence, so concurrent resends
     * serialise; then, unless the batch is already committed, takes the lock of each component
     * the batch writes to (in name order, so two batches never wait for each other in a circle)
     * and only then loads each series' metric: batches writing to one component serialise, so
     * each reads the summary, tail and statistics the previous one committed and none is lost.
     */
    private static final String CLAIM_AND_LOAD = """
            MERGE (w:MetricWriter {id: $writer})
              ON CREATE SET w.sequence = 0, w.createdAt = datetime()
            SET w.updatedAt = datetime()
            WITH w.sequence AS committed
            CALL (committed) {
              UNWIND CASE WHEN committed >= $sequence THEN [] ELSE $components END AS component
              MATCH (c:TrialComponent {name: component})
              SET c.`_lock` = true
              REMOVE c.`_lock`
              WITH c, component
              OPTIONAL MATCH (c)-[:HAS_STATS]->(s:MetricStats)
              RETURN collect({component: component, names: s.names, values: s.values}) AS stats
            }
            CALL (committed) {
              UNWIND CASE WHEN committed >= $sequence THEN [] ELSE $keys END AS key
              OPTIONAL MATCH (c:TrialComponent {name: key.component})
              OPTIONAL MATCH (m:Metric {component: key.component, name: key.metric})
              RETURN collect({component: key.component, metric: key.metric, componentId: elementId(c),
                              metricId: elementId(m), m: m {.*}}) AS series
            }
            RETURN committed, series, stats""";

    private static final String CLAIM = """
            MERGE (w:MetricWriter {id: $writer})
              ON CREATE SET w.sequence = 0, w.createdAt = datetime()
            SET w.updatedAt = datetime()
            RETURN w.sequence AS sequence""";

    private static final String ADVANCE_WRITER = "MATCH (w:MetricWriter {id: $writer}) SET w.sequence = $sequence";

    private static final String CREATE_METRICS = """
            UNWIND $metrics AS metric
            MATCH (c:TrialComponent) WHERE elementId(c) = metric.componentId
            CREATE (c)-[:HAS_METRIC]->(m:Metric {component: metric.component, name: metric.metric, chunks: 0})
            RETURN metric.component AS component, metric.metric AS metric, elementId(m) AS metricId""";

    /**
     * Writes summaries, tails and new chunks, then the statistics on each component's
     * {@code MetricStats} node (the copy the analytics table reads, see {@link StatsRow}), then
     * moves the writer's high-water mark.
     */
    private static final String WRITE_AND_ADVANCE = """
            UNWIND $metrics AS metric
            MATCH (m:Metric) WHERE elementId(m) = metric.metricId
            SET m += metric.properties
            WITH m, metric
            CALL (m, metric) {
              UNWIND metric.chunks AS chunk
              CREATE (m)-[:HAS_CHUNK]->(:MetricChunk {seq: chunk.seq, count: chunk.count,
                      minStep: chunk.minStep, maxStep: chunk.maxStep, points: chunk.points})
            }
            WITH count(*) AS written
            CALL () {
              UNWIND $stats AS row
              MATCH (c:TrialComponent) WHERE elementId(c) = row.componentId
              MERGE (c)-[:HAS_STATS]->(s:MetricStats)
                ON CREATE SET s.component = c.name
              SET s.names = row.names, s.values = row.values, s += row.indexes
            }
            MATCH (w:MetricWriter {id: $writer})
            SET w.sequence = $sequence""";

    private static final String SUMMARIES = """
            UNWIND $components AS component
            MATCH (m:Metric {component: component})
            WHERE size($metrics) = 0 OR m.name IN $metrics
            RETURN m {.*, tail: null} AS m
            ORDER BY m.component, m.name""";

    private static final String SERIES = """
            MATCH (m:Metric {component: $component, name: $metric})
            OPTIONAL MATCH (m)-[:HAS_CHUNK]->(chunk:MetricChunk)
            WHERE chunk.maxStep >= $minStep AND chunk.minStep <= $maxStep
            WITH m, chunk ORDER BY chunk.seq
            RETURN m.tail AS tail, collect(chunk.points) AS chunks""";

    private static final String COMPONENT_EXISTS =
            "MATCH (c:TrialComponent {name: $component}) RETURN count(c) > 0 AS exists";

    private final Neo4jConnection neo4j;

    MetricStore(Neo4jConnection neo4j) {
        this.neo4j = neo4j;
    }

    /**
     * Stores a batch exactly once: in one transaction, unless the writer's high-water mark shows
     * it committed already.
     *
     * @return the points stored; 0 for a batch committed before
     * @throws NotFoundException when a component does not exist (nothing is stored)
     */
    public long append(MetricBatch batch) {
        Map<List<String>, MetricPoints> bySeries = bySeries(batch);
        List<Map<String, Object>> keys = new ArrayList<>();
        bySeries.keySet().forEach(key -> keys.add(Map.of("component", key.get(0), "metric", key.get(1))));
        boolean copyStatistics = copiesTableStatistics();
        List<String> components = !copyStatistics
                ? List.of()
                : bySeries.keySet().stream()
                        .map(key -> key.get(0))
                        .distinct()
                        .sorted()
                        .toList();
        return neo4j.write(tx -> {
            Record claimed = tx.run(
                            CLAIM_AND_LOAD,
                            Map.of(
                                    "writer",
                                    batch.writerId(),
                                    "sequence",
                                    batch.sequence(),
                                    "components",
                                    components,
                                    "keys",
                                    keys))
                    .single();
            if (claimed.get("committed").asLong() >= batch.sequence()) {
                return 0L;
            }
            return write(
                    tx,
                    copyStatistics,
                    batch,
                    bySeries,
                    claimed.get("series").asList(Value::asMap),
                    claimed.get("stats").asList(Value::asMap));
        });
    }

    /**
     * Whether ingest keeps the table's copy of the statistics ({@link StatsRow}) and serialises
     * the batches of a component; always, but for the ingest benchmark's baseline that measures
     * what the copy costs.
     */
    protected boolean copiesTableStatistics() {
        return true;
    }

    /** Marks a rejected batch as done, so the writer's sequence moves past it. */
    public void skip(String writerId, long sequence) {
        neo4j.write(tx -> {
            long committed = tx.run(CLAIM, Map.of("writer", writerId))
                    .single()
                    .get("sequence")
                    .asLong();
            if (committed < sequence) {
                tx.run(ADVANCE_WRITER, Map.of("writer", writerId, "sequence", sequence))
                        .consume();
            }
            return null;
        });
    }

    /** The batch's points by (component, metric): several groups of one batch may name the same series. */
    private static Map<List<String>, MetricPoints> bySeries(MetricBatch batch) {
        Map<List<String>, MetricPoints> bySeries = new LinkedHashMap<>();
        for (MetricBatch.Series series : batch.series()) {
            bySeries.merge(List.of(series.component(), series.metric()), series.points(), MetricPoints::append);
        }
        return bySeries;
    }

    private static long write(
            TransactionContext tx,
            boolean copyStatistics,
            MetricBatch batch,
            Map<List<String>, MetricPoints> bySeries,
            List<Map<String, Object>> loaded,
            List<Map<String, Object>> loadedStats) {
        Map<List<String>, String> metricIds = new HashMap<>();
        Map<String, String> componentIds = new HashMap<>();
        Map<List<String>, Map<String, Object>> stored = new HashMap<>();
        List<Map<String, Object>> toCreate = new ArrayList<>();
        for (Map<String, Object> row : loaded) {
            List<String> key = List.of((String) row.get("component"), (String) row.get("metric"));
            if (row.get("componentId") == null) {
                throw new NotFoundException("trial component", key.get(0));
            }
            componentIds.put(key.get(0), (String) row.get("componentId"));
            if (row.get("metricId") == null) {
                toCreate.add(
                        Map.of("componentId", row.get("componentId"), "component", key.get(0), "metric", key.get(1)));
            } else {
                metricIds.put(key, (String) row.get("metricId"));
                @SuppressWarnings("unchecked")
                Map<String, Object> metric = (Map<String, Object>) row.get("m");
                stored.put(key, metric);
            }
        }
        if (!toCreate.isEmpty()) {
            for (Record row :
                    tx.run(CREATE_METRICS, Map.of("metrics", toCreate)).list()) {
                metricIds.put(
                        List.of(
                                row.get("component").asString(),
                                row.get("metric").asString()),
                        row.get("metricId").asString());
            }
        }

        Map<String, StatsRow.Arrays> statsByComponent = new LinkedHashMap<>();
        Map<String, Integer> loadedNames = new HashMap<>();
        for (Map<String, Object> row : loadedStats) {
            loadedNames.put(
                    (String) row.get("component"), strings(row.get("names")).size());
            statsByComponent.put(
                    (String) row.get("component"),
                    new StatsRow.Arrays(strings(row.get("names")), doubles(row.get("values"))));
        }
        List<Map<String, Object>> writes = new ArrayList<>();
        long points = 0;
        for (Map.Entry<List<String>, MetricPoints> entry : bySeries.entrySet()) {
            List<String> key = entry.getKey();
            MetricPoints added = entry.getValue();
            points += added.size();
            Map<String, Object> write = seriesWrite(key, metricIds.get(key), stored.getOrDefault(key, Map.of()), added);
            writes.add(write);
            @SuppressWarnings("unchecked")
            Map<String, Object> properties = (Map<String, Object>) write.get("properties");
            Map<Stat, Double> stats = new EnumMap<>(Stat.class);
            for (Stat stat : Stat.values()) {
                stats.put(stat, ((Number) properties.get(stat.property())).doubleValue());
            }
            StatsRow.Arrays arrays =
                    statsByComponent.getOrDefault(key.get(0), new StatsRow.Arrays(List.of(), List.of()));
            statsByComponent.put(key.get(0), StatsRow.with(arrays.names(), arrays.values(), key.get(1), stats));
        }
        List<Map<String, Object>> statsRows = new ArrayList<>();
        if (!copyStatistics) {
            statsByComponent.clear();
        }
        statsByComponent.forEach((component, arrays) -> {
            // The places of the metrics new to the component (a place is written once).
            Map<String, Object> indexes = new HashMap<>();
            int known = loadedNames.getOrDefault(component, 0);
            for (int i = known; i < arrays.names().size(); i++) {
                indexes.put(StatsRow.indexKey(arrays.names().get(i)), (long) i);
            }
            statsRows.add(Map.of(
                    "componentId",
                    componentIds.get(component),
                    "names",
                    arrays.names(),
                    "values",
                    arrays.values(),
                    "indexes",
                    indexes));
        });
        tx.run(
                        WRITE_AND_ADVANCE,
                        Map.of(
                                "metrics",
                                writes,
                                "stats",
                                statsRows,
                                "writer",
                                batch.writerId(),
                                "sequence",
                                batch.sequence()))
                .consume();
        return points;
    }

    /** The new summary, tail and chunks of one metric after {@code added} arrives. */
    private static Map<String, Object> seriesWrite(
            List<String> key, String metricId, Map<String, Object> stored, MetricPoints added) {
        MetricSummary summary = stored.isEmpty() ? MetricSummary.empty(key.get(0), key.get(1)) : toSummary(stored);
        MetricSummary updated = summary.plus(added);
        long chunkCount = GraphValues.number(stored, "chunks");
        MetricPoints tail = tail(stored);

        List<Map<String, Object>> chunks = new ArrayList<>();
        MetricPoints remainder;
        if (added.size() >= DIRECT_CHUNK_MIN) {
            // Enough points for chunks of their own; the tail stays as it is.
            MetricPoints sorted = added.sortedByStep();
            int pieces = (sorted.size() + CHUNK_SIZE - 1) / CHUNK_SIZE;
            for (int p = 0; p < pieces; p++) {
                int from = (int) ((long) p * sorted.size() / pieces);
                int to = (int) ((long) (p + 1) * sorted.size() / pieces);
                chunks.add(chunk(chunkCount++, sorted.slice(from, to)));
            }
            remainder = tail;
        } else {
            remainder = tail.append(added);
            if (remainder.size() >= CHUNK_SIZE) {
                chunks.add(chunk(chunkCount++, remainder.sortedByStep()));
                remainder = MetricPoints.empty();
            }
        }

        Map<String, Object> properties = summaryProperties(updated);
        properties.put("chunks", chunkCount);
        properties.put("tail", PointCodec.encode(remainder));
        properties.put("tailCount", (long) remainder.size());
        Map<String, Object> write = new HashMap<>();
        write.put("metricId", metricId);
        write.put("properties", properties);
        write.put("chunks", chunks);
        return write;
    }

    private static Map<String, Object> chunk(long seq, MetricPoints sorted) {
        Map<String, Object> chunk = new HashMap<>();
        chunk.put("seq", seq);
        chunk.put("minStep", sorted.step(0));
        chunk.put("maxStep", sorted.step(sorted.size() - 1));
        chunk.put("count", (long) sorted.size());
        chunk.put("points", PointCodec.encode(sorted));
        return chunk;
    }

    private static Map<String, Object> summaryProperties(MetricSummary s) {
        Map<String, Object> p = new HashMap<>();
        p.put("count", s.count());
        p.put("nonFiniteCount", s.nonFiniteCount());
        p.put("min", s.min());
        p.put("max", s.max());
        p.put("mean", s.mean());
        p.put("m2", s.m2());
        p.put("std", s.std());
        p.put("first", s.first());
        p.put("last", s.last());
        p.put("firstStep", s.firstStep());
        p.put("lastStep", s.lastStep());
        p.put("minStep", s.minStep());
        p.put("maxStep", s.maxStep());
        p.put("firstTimestamp", s.firstTimestamp());
        p.put("lastTimestamp", s.lastTimestamp());
        return p;
    }

    private static MetricSummary toSummary(Map<String, Object> m) {
        return new MetricSummary(
                GraphValues.string(m, "component"),
                GraphValues.string(m, "name"),
                GraphValues.number(m, "count"),
                GraphValues.number(m, "nonFiniteCount"),
                decimal(m, "min"),
                decimal(m, "max"),
                decimal(m, "mean"),
                decimal(m, "m2"),
                decimal(m, "first"),
                decimal(m, "last"),
                GraphValues.number(m, "firstStep"),
                GraphValues.number(m, "lastStep"),
                GraphValues.number(m, "minStep"),
                GraphValues.number(m, "maxStep"),
                GraphValues.number(m, "firstTimestamp"),
                GraphValues.number(m, "lastTimestamp"));
    }

    private static List<String> strings(Object list) {
        List<String> strings = new ArrayList<>();
        if (list instanceof List<?> values) {
            values.forEach(value -> strings.add((String) value));
        }
        return strings;
    }

    private static List<Double> doubles(Object list) {
        List<Double> doubles = new ArrayList<>();
        if (list instanceof List<?> values) {
            values.forEach(value -> doubles.add(((Number) value).doubleValue()));
        }
        return doubles;
    }

    private static double decimal(Map<String, Object> m, String key) {
        return m.get(key) instanceof Number number ? number.doubleValue() : Double.NaN;
    }

    private static MetricPoints tail(Map<String, Object> m) {
        return m.get("tail") instanceof byte[] bytes ? PointCodec.decode(bytes) : MetricPoints.empty();
    }

    /**
     * Summaries of the named components' metrics, ordered by component then metric.
     *
     * @throws NotFoundException when a component does not exist
     */
    public List<MetricSummary> summaries(List<String> components, List<String> metrics) {
        return neo4j.read(tx -> {
            Existence.requireAll(tx, Existence.Named.COMPONENT, components);
            return tx.run(SUMMARIES, Map.of("components", components, "metrics", metrics))
                    .list(record -> toSummary(record.get("m").asMap()));
        });
    }

    /**
     * The stored points of a metric with a step in [minStep, maxStep], in step order (equal
     * steps in the order they were stored).
     *
     * @return empty when the metric does not exist
     * @throws NotFoundException when the component does not exist
     */
    public Optional<MetricPoints> series(String component, String metric, long minStep, long maxStep) {
        return neo4j.read(tx -> {
            List<Record> rows = tx.run(
                            SERIES,
                            Map.of("component", component, "metric", metric, "minStep", minStep, "maxStep", maxStep))
                    .list();
            if (rows.isEmpty()) {
                if (!tx.run(COMPONENT_EXISTS, Map.of("component", component))
                        .single()
                        .get("exists")
                        .asBoolean()) {
                    throw new NotFoundException("trial component", component);
                }
                return Optional.empty();
            }
            Record row = rows.get(0);
            List<MetricPoints> parts = new ArrayList<>();
            for (Value chunk : row.get("chunks").values()) {
                parts.add(PointCodec.decode(chunk.asByteArray()));
            }
            if (!row.get("tail").isNull()) {
                parts.add(PointCodec.decode(row.get("tail").asByteArray()));
            }
            return Optional.of(within(MetricPoints.concat(parts).sortedByStep(), minStep, maxStep));
        });
    }

    private static MetricPoints within(MetricPoints sorted, long minStep, long maxStep) {
        int from = 0;
        while (from < sorted.size() && sorted.step(from) < minStep) {
            from++;
        }
        int to = sorted.size();
        while (to > from && sorted.step(to - 1) > maxStep) {
            to--;
        }
        return from == 0 && to == sorted.size() ? sorted : sorted.slice(from, to);
    }
}
