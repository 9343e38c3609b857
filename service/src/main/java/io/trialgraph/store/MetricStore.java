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
import org.neo4j.driver.Result;
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
              RETURN collect({component: component, statsId: elementId(s), names: s.names, values: s.values}) AS stats
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
     * moves the writer's high-water mark. A known statistics node is found by its id and gets
     * only {@code values} rewritten, plus {@code names} and the new places when the batch brings
     * a metric new to the component: the smallest rewrite of the copy a batch can make.
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
              UNWIND $statsUpdates AS row
              MATCH (s:MetricStats) WHERE elementId(s) = row.statsId
              SET s += row.properties
            }
            CALL () {
              UNWIND $statsCreates AS row
              MATCH (c:TrialComponent) WHERE elementId(c) = row.componentId
              CREATE (c)-[:HAS_STATS]->(s:MetricStats {component: c.name})
              SET s += row.properties
            }
            MATCH (w:MetricWriter {id: $writer})
            SET w.sequence = $sequence""";

    private static final String SUMMARIES = """
            UNWIND $components AS component
            MATCH (m:Metric {component: component})
            WHERE size($metrics) = 0 OR m.name IN $metrics
            RETURN m {.*, tail: null} AS m
            ORDER BY m.component, m.name""";

    /**
     * What an incremental read starts from: the chunk count (chunks are immutable and numbered in
     * order, so those below it are a snapshot), the tail, and the points in the step range: the
     * counts of the chunks wholly inside it, and the chunks it cuts, to count one by one.
     */
    private static final String SERIES_SNAPSHOT = """
            MATCH (m:Metric {component: $component, name: $metric})
            OPTIONAL MATCH (m)-[:HAS_CHUNK]->(c:MetricChunk)
            WHERE c.maxStep >= $minStep AND c.minStep <= $maxStep
            WITH m, sum(CASE WHEN c.minStep >= $minStep AND c.maxStep <= $maxStep THEN c.count ELSE 0 END) AS inside,
                 collect(CASE WHEN c.minStep < $minStep OR c.maxStep > $maxStep THEN c.seq END) AS cut
            RETURN coalesce(m.chunks, 0) AS chunks, m.tail AS tail, inside, cut""";

    private static final String SERIES_CHUNKS_BY_SEQ = """
            MATCH (:Metric {component: $component, name: $metric})-[:HAS_CHUNK]->(c:MetricChunk)
            WHERE c.seq IN $seqs
            RETURN c.points AS points""";

    /**
     * The snapshot's chunks that may hold points at or after {@code fromStep}, by lowest step:
     * the reader stops pulling (a few records at a time) once no further chunk can hold one of
     * the next points.
     */
    private static final String SERIES_CHUNKS = """
            MATCH (:Metric {component: $component, name: $metric})-[:HAS_CHUNK]->(c:MetricChunk)
            WHERE c.seq < $chunks AND c.maxStep >= $fromStep AND c.minStep <= $maxStep
            WITH c ORDER BY c.minStep, c.seq
            RETURN c.seq AS seq, c.minStep AS minStep, c.points AS points""";

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
        List<String> components = copyStatistics ? componentsOf(bySeries) : List.of();
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
     * Stores points that carry no writer sequence (MLflow's REST API) inside the caller's
     * transaction: nothing is skipped as a resend; the writer's lock serialises the writes of one
     * writer and its sequence counts them.
     *
     * @return the points stored
     * @throws NotFoundException when a component does not exist
     */
    long appendUnsequenced(TransactionContext tx, String writerId, List<MetricBatch.Series> series) {
        MetricBatch unsequenced = new MetricBatch(writerId, 0, series);
        Map<List<String>, MetricPoints> bySeries = bySeries(unsequenced);
        List<Map<String, Object>> keys = new ArrayList<>();
        bySeries.keySet().forEach(key -> keys.add(Map.of("component", key.get(0), "metric", key.get(1))));
        boolean copyStatistics = copiesTableStatistics();
        List<String> components = copyStatistics ? componentsOf(bySeries) : List.of();
        // A sequence no writer reaches, so the claim never takes the batch for a resend.
        Record claimed = tx.run(
                        CLAIM_AND_LOAD,
                        Map.of("writer", writerId, "sequence", Long.MAX_VALUE, "components", components, "keys", keys))
                .single();
        MetricBatch batch = new MetricBatch(writerId, claimed.get("committed").asLong() + 1, series);
        return write(
                tx,
                copyStatistics,
                batch,
                bySeries,
                claimed.get("series").asList(Value::asMap),
                claimed.get("stats").asList(Value::asMap));
    }

    /** The batch's components, sorted: their statistics rows are locked in this order (no deadlocks). */
    private static List<String> componentsOf(Map<List<String>, MetricPoints> bySeries) {
        return bySeries.keySet().stream()
                .map(key -> key.get(0))
                .distinct()
                .sorted()
                .toList();
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
        Map<String, String> statsIds = new HashMap<>();
        for (Map<String, Object> row : loadedStats) {
            loadedNames.put(
                    (String) row.get("component"), strings(row.get("names")).size());
            if (row.get("statsId") != null) {
                statsIds.put((String) row.get("component"), (String) row.get("statsId"));
            }
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
        List<Map<String, Object>> statsUpdates = new ArrayList<>();
        List<Map<String, Object>> statsCreates = new ArrayList<>();
        if (!copyStatistics) {
            statsByComponent.clear();
        }
        statsByComponent.forEach((component, arrays) -> {
            Map<String, Object> properties = new HashMap<>();
            properties.put(StatsRow.VALUES, arrays.values());
            // Names and places change only when a metric is new to the component (a place is
            // written once); most batches rewrite the values alone.
            int known = loadedNames.getOrDefault(component, 0);
            if (known < arrays.names().size()) {
                properties.put(StatsRow.NAMES, arrays.names());
                for (int i = known; i < arrays.names().size(); i++) {
                    properties.put(StatsRow.indexKey(arrays.names().get(i)), (long) i);
                }
            }
            String statsId = statsIds.get(component);
            if (statsId != null) {
                statsUpdates.add(Map.of("statsId", statsId, "properties", properties));
            } else {
                statsCreates.add(Map.of("componentId", componentIds.get(component), "properties", properties));
            }
        });
        tx.run(
                        WRITE_AND_ADVANCE,
                        Map.of(
                                "metrics",
                                writes,
                                "statsUpdates",
                                statsUpdates,
                                "statsCreates",
                                statsCreates,
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
     * Opens an incremental read of a metric's points with a step in [minStep, maxStep], in step
     * order (equal steps in the order they were stored). Nothing is loaded but the metric's tail;
     * each {@link SeriesCursor#next} reads the next points in a short transaction of its own, so
     * a reader that pauses holds neither a transaction nor a connection. The first block is read
     * in the same transaction as the snapshot, so a short series costs one transaction.
     *
     * @param firstBlock the most points the first {@link SeriesCursor#next} will ask for
     * @return empty when the metric does not exist
     * @throws NotFoundException when the component does not exist
     */
    public Optional<SeriesCursor> openSeries(
            String component, String metric, long minStep, long maxStep, int firstBlock) {
        return neo4j.readInBatches(fetchSize(firstBlock), tx -> {
            Map<String, Object> key =
                    Map.of("component", component, "metric", metric, "minStep", minStep, "maxStep", maxStep);
            List<Record> rows = tx.run(SERIES_SNAPSHOT, key).list();
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
            long total = row.get("inside").asLong();
            List<Long> cut = row.get("cut").asList(Value::asLong);
            if (!cut.isEmpty()) {
                Map<String, Object> parameters = new HashMap<>(key);
                parameters.put("seqs", cut);
                Result chunks = tx.run(SERIES_CHUNKS_BY_SEQ, parameters);
                while (chunks.hasNext()) {
                    MetricPoints points =
                            PointCodec.decode(chunks.next().get("points").asByteArray());
                    for (int i = 0; i < points.size(); i++) {
                        if (points.step(i) >= minStep && points.step(i) <= maxStep) {
                            total++;
                        }
                    }
                }
            }
            MetricPoints tail = row.get("tail").isNull()
                    ? MetricPoints.empty()
                    : inRange(PointCodec.decode(row.get("tail").asByteArray()).sortedByStep(), minStep, maxStep);
            SeriesCursor cursor = new SeriesCursor(
                    component, metric, minStep, maxStep, row.get("chunks").asLong(), tail, total + tail.size());
            cursor.prefetch(tx, firstBlock);
            return Optional.of(cursor);
        });
    }

    /** Records pulled per round trip: enough chunks for a block, so a block usually takes one. */
    private static int fetchSize(int blockPoints) {
        return blockPoints / CHUNK_SIZE + 2;
    }

    private static MetricPoints inRange(MetricPoints sorted, long minStep, long maxStep) {
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

    /**
     * A metric's points read a block at a time, in the order of (step, chunk, position in the
     * chunk), the tail counting as the last chunk: the order a stable sort by step of all chunks
     * in turn gives. A block is the next points after the last one returned, found by merging the
     * chunks that may hold them in order of their lowest step, so chunks that overlap (steps
     * logged again, or out of order) come out right. Memory: one block and one decoded chunk,
     * whatever the length of the series; chunks written after the cursor opened are not seen.
     * A transaction retried by the driver reads the same chunks again: the cursor moves only
     * once a block is complete.
     */
    public final class SeriesCursor {

        private static final long TAIL_SEQ = Long.MAX_VALUE;

        private final String component;
        private final String metric;
        private final long minStep;
        private final long maxStep;
        private final long chunks;
        private final MetricPoints tail;
        private final long total;
        private boolean started;
        private long lastStep;
        private long lastSeq;
        private long lastPos;
        private boolean done;
        /** Points read ahead (the first block, in the snapshot's transaction), not yet returned. */
        private MetricPoints prefetched;

        private SeriesCursor(
                String component,
                String metric,
                long minStep,
                long maxStep,
                long chunks,
                MetricPoints tail,
                long total) {
            this.component = component;
            this.metric = metric;
            this.minStep = minStep;
            this.maxStep = maxStep;
            this.chunks = chunks;
            this.tail = tail;
            this.total = total;
        }

        /** @return the points in the step range when the cursor was opened */
        public long total() {
            return total;
        }

        /** @return the next points, at most {@code maxPoints} (at least 1); empty once all were returned */
        public MetricPoints next(int maxPoints) {
            if (prefetched != null) {
                MetricPoints points = prefetched;
                if (points.size() <= maxPoints) {
                    prefetched = null;
                    return points;
                }
                prefetched = points.slice(maxPoints, points.size());
                return points.slice(0, maxPoints);
            }
            if (done) {
                return MetricPoints.empty();
            }
            return take(neo4j.readInBatches(fetchSize(maxPoints), tx -> pass(tx, maxPoints)), maxPoints);
        }

        /** Reads the first block in the snapshot's transaction, for the first {@link #next}. */
        private void prefetch(TransactionContext tx, int maxPoints) {
            MetricPoints points = take(pass(tx, maxPoints), maxPoints);
            prefetched = points.size() == 0 ? null : points;
        }

        /** Merges the chunks that may hold the next {@code maxPoints} points, in order of their lowest step. */
        private Block pass(TransactionContext tx, int maxPoints) {
            Map<String, Object> parameters = Map.of(
                    "component",
                    component,
                    "metric",
                    metric,
                    "chunks",
                    chunks,
                    "fromStep",
                    started ? Math.max(minStep, lastStep) : minStep,
                    "maxStep",
                    maxStep);
            Block candidates = new Block(maxPoints);
            Result result = tx.run(SERIES_CHUNKS, parameters);
            boolean tailMerged = tail.size() == 0;
            while (result.hasNext()) {
                Record chunk = result.next();
                long chunkMin = chunk.get("minStep").asLong();
                if (!tailMerged && tail.step(0) <= chunkMin) {
                    if (candidates.beyond(tail.step(0))) {
                        return candidates;
                    }
                    add(candidates, tail, TAIL_SEQ);
                    tailMerged = true;
                }
                if (candidates.beyond(chunkMin)) {
                    return candidates;
                }
                add(
                        candidates,
                        PointCodec.decode(chunk.get("points").asByteArray()),
                        chunk.get("seq").asLong());
            }
            if (!tailMerged) {
                if (candidates.beyond(tail.step(0))) {
                    return candidates;
                }
                add(candidates, tail, TAIL_SEQ);
            }
            candidates.exhausted = true;
            return candidates;
        }

        /** The block's first points, and the cursor moved past them. */
        private MetricPoints take(Block block, int maxPoints) {
            MetricPoints points = block.first(maxPoints);
            if (points.size() == 0 || (block.exhausted && !block.truncated)) {
                done = true;
            }
            if (points.size() > 0) {
                int last = points.size() - 1;
                started = true;
                lastStep = block.steps[last];
                lastSeq = block.seqs[last];
                lastPos = block.positions[last];
            }
            return points;
        }

        /** Adds the chunk's points in range that come after the last point returned. */
        private void add(Block block, MetricPoints chunk, long seq) {
            for (int i = 0; i < chunk.size(); i++) {
                long step = chunk.step(i);
                if (step < minStep || step > maxStep) {
                    continue;
                }
                if (started && compare(step, seq, i, lastStep, lastSeq, lastPos) <= 0) {
                    continue;
                }
                block.add(step, seq, i, chunk.value(i), chunk.timestamp(i));
            }
        }
    }

    private static int compare(long step, long seq, long pos, long otherStep, long otherSeq, long otherPos) {
        int c = Long.compare(step, otherStep);
        if (c != 0) {
            return c;
        }
        c = Long.compare(seq, otherSeq);
        return c != 0 ? c : Long.compare(pos, otherPos);
    }

    /** The candidates for the next block: kept to the {@code limit} smallest keys, sorted when asked. */
    private static final class Block {
        private final int limit;
        private long[] steps;
        private long[] seqs;
        private int[] positions;
        private double[] values;
        private long[] timestamps;
        private int size;
        private boolean sorted = true;
        /** Every chunk that may hold a later point was merged. */
        private boolean exhausted;
        /** Points were dropped to keep the smallest: more follow. */
        private boolean truncated;

        Block(int limit) {
            this.limit = limit;
            int capacity = Math.min(limit, 4 * CHUNK_SIZE) + CHUNK_SIZE;
            steps = new long[capacity];
            seqs = new long[capacity];
            positions = new int[capacity];
            values = new double[capacity];
            timestamps = new long[capacity];
        }

        void add(long step, long seq, int position, double value, long timestamp) {
            if (size == steps.length) {
                if (size >= 2 * limit) {
                    sortAndKeep(limit);
                } else {
                    grow();
                }
            }
            if (sorted
                    && size > 0
                    && compare(step, seq, position, steps[size - 1], seqs[size - 1], positions[size - 1]) < 0) {
                sorted = false;
            }
            steps[size] = step;
            seqs[size] = seq;
            positions[size] = position;
            values[size] = value;
            timestamps[size] = timestamp;
            size++;
        }

        /** @return true when a chunk whose lowest step is {@code step} cannot hold any of the block's points */
        boolean beyond(long step) {
            if (size < limit) {
                return false;
            }
            sortAndKeep(limit);
            return step > steps[limit - 1];
        }

        MetricPoints first(int n) {
            sortAndKeep(n);
            int count = Math.min(n, size);
            return new MetricPoints(
                    java.util.Arrays.copyOf(steps, count),
                    java.util.Arrays.copyOf(values, count),
                    java.util.Arrays.copyOf(timestamps, count));
        }

        private void grow() {
            int capacity = steps.length * 2;
            steps = java.util.Arrays.copyOf(steps, capacity);
            seqs = java.util.Arrays.copyOf(seqs, capacity);
            positions = java.util.Arrays.copyOf(positions, capacity);
            values = java.util.Arrays.copyOf(values, capacity);
            timestamps = java.util.Arrays.copyOf(timestamps, capacity);
        }

        /** Sorts by key and drops all but the {@code n} smallest (keeps the size when it is smaller). */
        private void sortAndKeep(int n) {
            if (!sorted) {
                Integer[] order = new Integer[size];
                for (int i = 0; i < size; i++) {
                    order[i] = i;
                }
                java.util.Arrays.sort(
                        order, (a, b) -> compare(steps[a], seqs[a], positions[a], steps[b], seqs[b], positions[b]));
                long[] s = new long[steps.length];
                long[] q = new long[steps.length];
                int[] p = new int[steps.length];
                double[] v = new double[steps.length];
                long[] t = new long[steps.length];
                for (int i = 0; i < size; i++) {
                    int from = order[i];
                    s[i] = steps[from];
                    q[i] = seqs[from];
                    p[i] = positions[from];
                    v[i] = values[from];
                    t[i] = timestamps[from];
                }
                steps = s;
                seqs = q;
                positions = p;
                values = v;
                timestamps = t;
                sorted = true;
            }
            if (size > n) {
                size = n;
                truncated = true;
            }
        }
    }
}
