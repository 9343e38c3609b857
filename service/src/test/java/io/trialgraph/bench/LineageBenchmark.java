package io.trialgraph.bench;

import io.grpc.ManagedChannel;
import io.trialgraph.TrialGraphServer;
import io.trialgraph.api.v1.GetLineageRequest;
import io.trialgraph.api.v1.GetLineageResponse;
import io.trialgraph.api.v1.LineageDirection;
import io.trialgraph.api.v1.LineageNodeRef;
import io.trialgraph.api.v1.LineageServiceGrpc;
import io.trialgraph.store.LineageKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.TransactionConfig;
import org.neo4j.driver.exceptions.Neo4jException;

/**
 * Lineage reads on a graph of about a million nodes shaped like real ML work: GetLineage over gRPC
 * upstream from models and downstream from derived datasets, at depth 3 and 10, against the
 * variable-length-path Cypher a user would write, over the same start nodes in the same run.
 *
 * <p>The graph is written straight through the driver with server-side {@code UNWIND range(...)}
 * batches (the API would take far too long for a million nodes):
 * <ul>
 *   <li>5,000 raw datasets, 100 scripts (code);</li>
 *   <li>15,000 processing jobs, each consuming one dataset and producing a derived dataset, in three
 *       generations (raw -> derived -> derived -> derived);</li>
 *   <li>250,000 training jobs, each consuming 2 derived datasets and 1 script, producing a model;</li>
 *   <li>100,000 fine-tune jobs, each consuming a model (half of them an earlier fine-tuned model,
 *       so chains of fine-tunes form) and a derived dataset, producing a model;</li>
 *   <li>150,000 evaluation jobs, each consuming a model and a derived dataset, producing a report
 *       (kind {@code other}).</li>
 * </ul>
 * That is 1,035,100 nodes and 1,780,000 edges. Then a hub: one more dataset, consumed by 200,000
 * evaluation jobs of its own (named {@code hub-eval-<n>}, so they sort after the 265,000 earlier
 * {@code eval-}, {@code finetune-} and {@code prep-} jobs, none of which uses the hub): 1,235,101
 * nodes and 1,980,000 edges in all.
 *
 * <p>Run: {@code ./mvnw -q -pl service -am -Pbench -DskipTests verify -Dbench=lineage}
 */
public final class LineageBenchmark {

    private static final int RAW = 5_000;
    private static final int PREP = 15_000;
    private static final int GENERATION = PREP / 3;
    private static final int SCRIPTS = 100;
    private static final int TRAIN = 250_000;
    private static final int FINETUNE = 100_000;
    private static final int EVAL = 150_000;
    private static final int HUB_JOBS = 200_000;
    private static final int HUB_WARMUP = 20;
    private static final int HUB_MEASURED = 50;
    private static final int BATCH = 10_000;

    private static final int WARMUP = 200;
    private static final int MEASURED = 200;
    private static final int BASELINE = 50;
    private static final int BASELINE_WARMUP = 20;
    private static final Duration BASELINE_TIMEOUT = Duration.ofSeconds(10);
    private static final long SEED = 20_240_601L;

    private static final String RAW_URI = "s3://bench/datasets/raw-";
    private static final String DERIVED_URI = "s3://bench/datasets/derived-";
    private static final String SCRIPT_URI = "git://bench/scripts/train-";
    private static final String MODEL_URI = "s3://bench/models/train-";
    private static final String FINETUNED_URI = "s3://bench/models/finetune-";
    private static final String REPORT_URI = "s3://bench/reports/eval-";
    private static final String HUB_URI = "s3://bench/datasets/hub";

    private LineageBenchmark() {}

    /** One question asked many times from different start nodes. */
    private record Scenario(
            String label, LineageDirection direction, int depth, List<String> warmup, List<String> starts) {}

    /** What one path measured over a scenario's start nodes. */
    private record Timings(double[] millis, int[] nodes, int truncated, int timeouts) {}

    public static void main(String[] args) throws Exception {
        Path data = BenchmarkSupport.temporaryFolder("trialgraph-bench-lineage");
        try (TrialGraphServer server = BenchmarkSupport.startServer(data, Map.of());
                Driver driver = BenchmarkSupport.boltDriver(server)) {
            build(driver, data);
            System.gc();

            Random random = new Random(SEED);
            List<Scenario> scenarios = List.of(
                    scenario(
                            "upstream depth 3 from a model",
                            LineageDirection.LINEAGE_DIRECTION_UPSTREAM,
                            3,
                            random,
                            LineageBenchmark::randomModel),
                    scenario(
                            "upstream depth 10 from a model",
                            LineageDirection.LINEAGE_DIRECTION_UPSTREAM,
                            10,
                            random,
                            LineageBenchmark::randomModel),
                    scenario(
                            "downstream depth 3 from a derived dataset",
                            LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM,
                            3,
                            random,
                            r -> DERIVED_URI + r.nextInt(PREP)),
                    scenario(
                            "downstream depth 10 from a derived dataset",
                            LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM,
                            10,
                            random,
                            r -> DERIVED_URI + r.nextInt(PREP)));

            ManagedChannel channel = BenchmarkSupport.channel(server);
            LineageServiceGrpc.LineageServiceBlockingStub lineage = LineageServiceGrpc.newBlockingStub(channel);
            List<Timings> service = new ArrayList<>();
            List<Timings> baseline = new ArrayList<>();
            try (Session session = driver.session()) {
                // Every warm-up first, so that neither path measures while the other still compiles.
                for (Scenario scenario : scenarios) {
                    for (String uri : scenario.warmup()) {
                        call(lineage, scenario, uri);
                    }
                    for (String uri : scenario.warmup().subList(0, BASELINE_WARMUP)) {
                        query(session, baselineQuery(scenario), uri);
                    }
                }
                for (Scenario scenario : scenarios) {
                    service.add(trialgraph(lineage, scenario));
                    baseline.add(cypher(session, scenario));
                }
            }
            Timings hub = hub(lineage);
            Map<String, double[]> hubQueries = hubQueries(driver);
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);

            System.out.printf(
                    Locale.ROOT,
                    "%nGetLineage over gRPC (default max_nodes 1,000): %d random start nodes per scenario "
                            + "after %d warm-up calls%n(all warm-ups of both paths before any measurement; models half trained, "
                            + "half fine-tuned)%n",
                    MEASURED,
                    WARMUP);
            System.out.printf(
                    Locale.ROOT,
                    "%-44s %9s %9s %8s %8s %10s%n",
                    "scenario",
                    "p50 ms",
                    "p99 ms",
                    "nodes",
                    "max",
                    "truncated");
            for (int i = 0; i < scenarios.size(); i++) {
                Timings t = service.get(i);
                System.out.printf(
                        Locale.ROOT,
                        "%-44s %9.2f %9.2f %8.0f %8d %6d/%d%n",
                        scenarios.get(i).label(),
                        BenchmarkSupport.median(t.millis()),
                        BenchmarkSupport.percentile(t.millis(), 99),
                        median(t.nodes()),
                        Arrays.stream(t.nodes()).max().orElse(0),
                        t.truncated(),
                        t.nodes().length);
            }

            System.out.printf(
                    Locale.ROOT,
                    "%nBaseline: variable-length-path Cypher through the driver, "
                            + "MATCH p = (s)<-[:PRODUCED|CONSUMED_BY*1..depth]-(n) RETURN DISTINCT n LIMIT 1000 (and the downstream "
                            + "mirror),%nover the first %d start nodes of each scenario, after %d warm-up queries, %d s timeout per "
                            + "query (a timed-out query counts with its time until the timeout)%n",
                    BASELINE,
                    BASELINE_WARMUP,
                    BASELINE_TIMEOUT.toSeconds());
            System.out.printf(
                    Locale.ROOT,
                    "%-44s %9s %9s %8s %9s %13s %9s%n",
                    "scenario",
                    "p50 ms",
                    "p99 ms",
                    "nodes",
                    "timeouts",
                    "trialgraph p50",
                    "ratio");
            for (int i = 0; i < scenarios.size(); i++) {
                Timings t = baseline.get(i);
                double ours =
                        BenchmarkSupport.median(Arrays.copyOf(service.get(i).millis(), BASELINE));
                double theirs = BenchmarkSupport.median(t.millis());
                System.out.printf(
                        Locale.ROOT,
                        "%-44s %9.2f %9.2f %8.0f %5d/%d %13.2f %8.2fx%n",
                        scenarios.get(i).label(),
                        theirs,
                        BenchmarkSupport.percentile(t.millis(), 99),
                        median(t.nodes()),
                        t.timeouts(),
                        BASELINE,
                        ours,
                        theirs / ours);
            }
            System.out.println(
                    "  (nodes: baseline counts the nodes found without the start node, trialgraph with it; "
                            + "ratio: baseline p50 / trialgraph p50 over the same start nodes, above 1 means trialgraph is faster)");

            System.out.printf(
                    Locale.ROOT,
                    "%nHub: downstream from a dataset consumed by %,d jobs, max_nodes 1,000, depth 10: "
                            + "%d calls after %d warm-up calls (each a first page: the dataset and the first 999 jobs by name)%n",
                    HUB_JOBS,
                    HUB_MEASURED,
                    HUB_WARMUP);
            System.out.printf(
                    Locale.ROOT,
                    "%-44s %9.2f %9.2f %8.0f %6d/%d%n",
                    "downstream depth 10 from the hub",
                    BenchmarkSupport.median(hub.millis()),
                    BenchmarkSupport.percentile(hub.millis(), 99),
                    median(hub.nodes()),
                    hub.truncated(),
                    hub.nodes().length);

            System.out.printf(
                    Locale.ROOT,
                    "%nThe hub's first page of jobs alone (1,016 smallest names, the service's query shapes), Cypher through "
                            + "the driver, %d runs after %d warm-ups:%n",
                    HUB_MEASURED,
                    HUB_WARMUP);
            for (Map.Entry<String, double[]> query : hubQueries.entrySet()) {
                System.out.printf(
                        Locale.ROOT,
                        "%-72s %9.2f %9.2f%n",
                        query.getKey(),
                        BenchmarkSupport.median(query.getValue()),
                        BenchmarkSupport.percentile(query.getValue(), 99));
            }

            Timings target = service.get(1);
            double p50 = BenchmarkSupport.median(target.millis());
            double p99 = BenchmarkSupport.percentile(target.millis(), 99);
            double hubP50 = BenchmarkSupport.median(hub.millis());
            System.out.printf(
                    Locale.ROOT,
                    "%ntarget: upstream depth 10 from a model p50 <= 3 ms, p99 <= 50 ms; hub p50 <= 100 ms%n");
            System.out.printf(
                    Locale.ROOT,
                    "measured: p50 %.2f ms, p99 %.2f ms: %s; hub p50 %.2f ms: %s%n",
                    p50,
                    p99,
                    p50 <= 3 && p99 <= 50 ? "met" : "NOT met",
                    hubP50,
                    hubP50 <= 100 ? "met" : "NOT met");
        } finally {
            BenchmarkSupport.delete(data);
        }
    }

    /** The first page downstream from the hub, asked again and again (the answer is the same each time). */
    private static Timings hub(LineageServiceGrpc.LineageServiceBlockingStub lineage) {
        GetLineageRequest request = GetLineageRequest.newBuilder()
                .addStart(LineageNodeRef.newBuilder().setArtifactUri(HUB_URI))
                .setDirection(LineageDirection.LINEAGE_DIRECTION_DOWNSTREAM)
                .setMaxDepth(10)
                .setMaxNodes(1_000)
                .build();
        for (int i = 0; i < HUB_WARMUP; i++) {
            lineage.withDeadlineAfter(120, TimeUnit.SECONDS).getLineage(request);
        }
        double[] millis = new double[HUB_MEASURED];
        int[] nodes = new int[HUB_MEASURED];
        int truncated = 0;
        for (int i = 0; i < HUB_MEASURED; i++) {
            long started = System.nanoTime();
            GetLineageResponse response =
                    lineage.withDeadlineAfter(120, TimeUnit.SECONDS).getLineage(request);
            millis[i] = (System.nanoTime() - started) / 1e6;
            nodes[i] = response.getNodesCount();
            truncated += response.getTruncated() ? 1 : 0;
        }
        return new Timings(millis, nodes, truncated, 0);
    }

    /**
     * The ways to read the hub's first page of jobs, timed apart from the service: expanding every
     * edge and reading each job's name (the service without order keys), expanding every edge and
     * reading the edge's key instead (the key copied onto the edge, no index), seeking in the key's
     * index, and counting the hub's keyed edges (the check before a seek).
     */
    private static Map<String, double[]> hubQueries(Driver driver) {
        String columns = "elementId(m) AS id, m {.uri, .id, .kind, .name, .status, .digest} AS properties";
        Map<String, String> queries = new java.util.LinkedHashMap<>();
        queries.put(
                "expand the 200,000 edges, read each job's name, keep the top",
                "MATCH (f:Artifact {uri: $uri}) MATCH (f)-[:CONSUMED_BY]->(m) WITH m, m.name AS key WHERE key IS NOT NULL "
                        + "WITH m, key ORDER BY key LIMIT $limit RETURN " + columns);
        queries.put(
                "expand the 200,000 edges, read each edge's key (no index), keep the top",
                "MATCH (f:Artifact {uri: $uri}) MATCH (f)-[r:CONSUMED_BY]->(m) WITH m, r.downstreamKey AS key "
                        + "WHERE key IS NOT NULL WITH m, key ORDER BY key LIMIT $limit RETURN " + columns);
        queries.put(
                "seek the first entries of the edge keys' index",
                "MATCH ()-[r:CONSUMED_BY]->(m) WHERE r.downstreamKey > $after AND r.downstreamKey < $end "
                        + "WITH m, r ORDER BY r.downstreamKey LIMIT $limit RETURN " + columns);
        queries.put(
                "count the hub's keyed edges in the index (the check before a seek, before)",
                "MATCH ()-[r:CONSUMED_BY]->() WHERE r.downstreamKey > $after AND r.downstreamKey < $end RETURN count(r)");
        queries.put(
                "compare the hub's count of keyed edges with its degree (the check before a seek)",
                "MATCH (f:Artifact {uri: $uri}) RETURN f.consumedByDownstreamKeys = COUNT { (f)-[:CONSUMED_BY]->() }");
        Map<String, Object> parameters = Map.of("uri", HUB_URI, "limit", 1_016, "after", "hub ", "end", "hub!");
        Map<String, double[]> millis = new java.util.LinkedHashMap<>();
        try (Session session = driver.session()) {
            for (Map.Entry<String, String> query : queries.entrySet()) {
                double[] times = new double[HUB_MEASURED];
                for (int i = -HUB_WARMUP; i < HUB_MEASURED; i++) {
                    long started = System.nanoTime();
                    session.run(query.getValue(), parameters).list();
                    if (i >= 0) {
                        times[i] = (System.nanoTime() - started) / 1e6;
                    }
                }
                millis.put(query.getKey(), times);
            }
        }
        return millis;
    }

    private static String randomModel(Random random) {
        return random.nextBoolean() ? MODEL_URI + random.nextInt(TRAIN) : FINETUNED_URI + random.nextInt(FINETUNE);
    }

    private static Scenario scenario(
            String label,
            LineageDirection direction,
            int depth,
            Random random,
            java.util.function.Function<Random, String> start) {
        List<String> warmup = new ArrayList<>();
        List<String> starts = new ArrayList<>();
        for (int i = 0; i < WARMUP; i++) {
            warmup.add(start.apply(random));
        }
        for (int i = 0; i < MEASURED; i++) {
            starts.add(start.apply(random));
        }
        return new Scenario(label, direction, depth, warmup, starts);
    }

    private static Timings trialgraph(LineageServiceGrpc.LineageServiceBlockingStub lineage, Scenario scenario) {
        double[] millis = new double[scenario.starts().size()];
        int[] nodes = new int[millis.length];
        int truncated = 0;
        for (int i = 0; i < millis.length; i++) {
            long started = System.nanoTime();
            GetLineageResponse response =
                    call(lineage, scenario, scenario.starts().get(i));
            millis[i] = (System.nanoTime() - started) / 1e6;
            nodes[i] = response.getNodesCount();
            truncated += response.getTruncated() ? 1 : 0;
        }
        return new Timings(millis, nodes, truncated, 0);
    }

    private static GetLineageResponse call(
            LineageServiceGrpc.LineageServiceBlockingStub lineage, Scenario scenario, String uri) {
        return lineage.withDeadlineAfter(60, TimeUnit.SECONDS)
                .getLineage(GetLineageRequest.newBuilder()
                        .addStart(LineageNodeRef.newBuilder().setArtifactUri(uri))
                        .setDirection(scenario.direction())
                        .setMaxDepth(scenario.depth())
                        .build());
    }

    /** The Cypher a user would write: all variable-length paths up to the depth, their distinct end nodes. */
    private static String baselineQuery(Scenario scenario) {
        String pattern = scenario.direction() == LineageDirection.LINEAGE_DIRECTION_UPSTREAM
                ? "<-[:PRODUCED|CONSUMED_BY*1..%d]-"
                : "-[:PRODUCED|CONSUMED_BY*1..%d]->";
        return ("MATCH (s:Artifact {uri: $uri}) MATCH p = (s)" + pattern + "(n) RETURN DISTINCT n LIMIT 1000")
                .formatted(scenario.depth());
    }

    private static Timings cypher(Session session, Scenario scenario) {
        String query = baselineQuery(scenario);
        double[] millis = new double[BASELINE];
        int[] nodes = new int[BASELINE];
        int timeouts = 0;
        for (int i = 0; i < BASELINE; i++) {
            long started = System.nanoTime();
            nodes[i] = query(session, query, scenario.starts().get(i));
            millis[i] = (System.nanoTime() - started) / 1e6;
            timeouts += nodes[i] < 0 ? 1 : 0;
        }
        return new Timings(millis, nodes, 0, timeouts);
    }

    /** @return the number of nodes found, -1 when the query timed out */
    private static int query(Session session, String query, String uri) {
        try {
            return session.run(
                            query,
                            Map.of("uri", uri),
                            TransactionConfig.builder()
                                    .withTimeout(BASELINE_TIMEOUT)
                                    .build())
                    .list()
                    .size();
        } catch (Neo4jException e) {
            String code = String.valueOf(e.code());
            if (code.contains("TimedOut") || code.contains("Terminated")) {
                return -1;
            }
            throw e;
        }
    }

    private static double median(int[] values) {
        return BenchmarkSupport.median(
                Arrays.stream(values).filter(v -> v >= 0).asDoubleStream().toArray());
    }

    // ---------------------------------------------------------------------------------------------
    // The graph

    /** Writes the graph and prints its size and how long it took. */
    private static void build(Driver driver, Path data) {
        Random random = new Random(SEED + 1);
        long started = System.nanoTime();
        try (Session session = driver.session()) {
            // Sources: raw datasets and scripts.
            batches(session, RAW, """
                    UNWIND range($from, $to) AS i
                    CREATE (:Artifact:Dataset {id: 'raw-' + i, uri: $uri + i, kind: 'dataset', name: 'raw-' + i})""", Map.of("uri", RAW_URI), null);
            batches(session, SCRIPTS, """
                    UNWIND range($from, $to) AS i
                    CREATE (:Artifact:Code {id: 'code-' + i, uri: $uri + i + '.py', kind: 'code', name: 'train-' + i + '.py'})""", Map.of("uri", SCRIPT_URI), null);

            // Every job with its output; inputs follow once all outputs exist (fine-tunes consume
            // outputs of earlier fine-tunes, possibly of the same batch).
            jobs(session, PREP, "prep-", "processing", ":Dataset", "ds-", DERIVED_URI, "dataset", "derived-");
            jobs(session, TRAIN, "train-", "training", ":Model", "model-", MODEL_URI, "model", "model-");
            jobs(
                    session,
                    FINETUNE,
                    "finetune-",
                    "fine-tuning",
                    ":Model",
                    "ftmodel-",
                    FINETUNED_URI,
                    "model",
                    "ftmodel-");
            jobs(session, EVAL, "eval-", "evaluation", "", "report-", REPORT_URI, "other", "report-");

            // Inputs, as [artifact id, link name] per job.
            inputs(session, PREP, "prep-", i -> {
                int generation = i / GENERATION;
                String source = generation == 0
                        ? "raw-" + random.nextInt(RAW)
                        : "ds-" + ((generation - 1) * GENERATION + random.nextInt(GENERATION));
                return List.of(List.of(source, "input"));
            });
            inputs(session, TRAIN, "train-", i -> {
                int train = random.nextInt(PREP);
                int validation = (train + 1 + random.nextInt(PREP - 1)) % PREP;
                return List.of(
                        List.of("ds-" + train, "train"),
                        List.of("ds-" + validation, "validation"),
                        List.of("code-" + random.nextInt(SCRIPTS), "script"));
            });
            int[] chain = new int[FINETUNE];
            inputs(session, FINETUNE, "finetune-", i -> {
                String base;
                if (i > 0 && random.nextBoolean()) {
                    int earlier = random.nextInt(i);
                    chain[i] = chain[earlier] + 1;
                    base = "ftmodel-" + earlier;
                } else {
                    chain[i] = 1;
                    base = "model-" + random.nextInt(TRAIN);
                }
                return List.of(List.of(base, "base-model"), List.of("ds-" + random.nextInt(PREP), "data"));
            });
            inputs(session, EVAL, "eval-", i -> {
                int model = random.nextInt(TRAIN + FINETUNE);
                return List.of(
                        List.of(model < TRAIN ? "model-" + model : "ftmodel-" + (model - TRAIN), "model"),
                        List.of("ds-" + random.nextInt(PREP), "test-data"));
            });
            // The hub: one dataset consumed by HUB_JOBS jobs of their own.
            session.executeWrite(tx -> tx.run("""
                    CREATE (:Artifact:Dataset {id: 'hub', uri: $uri, kind: 'dataset', name: 'hub'})""", Map.of("uri", HUB_URI)).consume());
            batches(session, HUB_JOBS, """
                    MATCH (hub:Artifact {uri: $uri})
                    UNWIND range($from, $to) AS i
                    CREATE (hub)-[r:CONSUMED_BY {name: 'data'}]->(j:TrialComponent {name: 'hub-eval-' + i, kind: 'evaluation',
                                                                                  status: 'Completed'})
                    %s""".formatted(keys("CONSUMED_BY")), Map.of("uri", HUB_URI), null);
            double seconds = (System.nanoTime() - started) / 1e9;

            // Lineage nodes and edges only (the migrations keep a few bookkeeping nodes of their own).
            long artifacts = count(session, "MATCH (n:Artifact) RETURN count(n)");
            long components = count(session, "MATCH (n:TrialComponent) RETURN count(n)");
            long nodes = artifacts + components;
            long edges = count(session, "MATCH ()-[r:CONSUMED_BY]->() RETURN count(r)")
                    + count(session, "MATCH ()-[r:PRODUCED]->() RETURN count(r)");
            long expectedNodes = RAW + SCRIPTS + 2L * (PREP + TRAIN + FINETUNE + EVAL) + 1 + HUB_JOBS;
            long expectedEdges = 2L * PREP + 4L * TRAIN + 3L * FINETUNE + 3L * EVAL + HUB_JOBS;
            if (nodes != expectedNodes || edges != expectedEdges) {
                throw new IllegalStateException("built " + nodes + " nodes and " + edges + " edges, expected "
                        + expectedNodes + " and " + expectedEdges);
            }
            int longest = Arrays.stream(chain).max().orElse(0);
            System.out.printf(
                    Locale.ROOT,
                    "Lineage graph: %,d nodes (%,d artifacts, %,d trial components), %,d edges, "
                            + "built in %.1f s (%,.0f nodes + edges/s) through the driver in batches of %,d%n",
                    nodes,
                    artifacts,
                    components,
                    edges,
                    seconds,
                    (nodes + edges) / seconds,
                    BATCH);
            System.out.printf(
                    Locale.ROOT,
                    "  fine-tune chains: mean %.2f, longest %d fine-tunes; store on disk %,.0f MB%n",
                    Arrays.stream(chain).average().orElse(0),
                    longest,
                    BenchmarkSupport.size(data) / 1e6);
        }
    }

    /**
     * The service's upkeep of the order keys after writing edges {@code r} of a type (keys on the
     * edges of hubs only, as the service writes them), or with {@code -Dbench.lineageKeys=false}
     * nothing (the graph as written before the keys, to measure what they cost).
     */
    private static String keys(String type) {
        return Boolean.parseBoolean(System.getProperty("bench.lineageKeys", "true"))
                ? "WITH collect(r) AS edges\n" + LineageKeys.keep("edges", type)
                : "";
    }

    private static long count(Session session, String query) {
        return session.run(query).single().get(0).asLong();
    }

    /** Creates {@code count} jobs, each with the artifact it produced. Labels and kinds are constants. */
    private static void jobs(
            Session session,
            int count,
            String component,
            String kind,
            String label,
            String idPrefix,
            String uri,
            String artifactKind,
            String namePrefix) {
        batches(
                session,
                count,
                """
                UNWIND range($from, $to) AS i
                CREATE (j:TrialComponent {name: $component + i, kind: $kind, status: 'Completed'})
                CREATE (j)-[r:PRODUCED {name: 'output'}]->(a:Artifact%s {id: $id + i, uri: $uri + i, kind: $artifactKind,
                                                                        name: $name + i})
                %s""".formatted(label, keys("PRODUCED")),
                Map.of(
                        "component",
                        component,
                        "kind",
                        kind,
                        "id",
                        idPrefix,
                        "uri",
                        uri,
                        "artifactKind",
                        artifactKind,
                        "name",
                        namePrefix),
                null);
    }

    /** Links the inputs {@code inputs.apply(i)} of each job {@code component + i}. */
    private static void inputs(Session session, int count, String component, IntFunction<List<List<String>>> inputs) {
        batches(session, count, """
                UNWIND range($from, $to) AS i
                MATCH (j:TrialComponent {name: $component + i})
                UNWIND $inputs[i - $from] AS input
                MATCH (a:Artifact {id: input[0]})
                CREATE (a)-[r:CONSUMED_BY {name: input[1]}]->(j)
                %s""".formatted(keys("CONSUMED_BY")), Map.of("component", component), inputs);
    }

    private static void batches(
            Session session,
            int count,
            String query,
            Map<String, Object> parameters,
            IntFunction<List<List<String>>> inputs) {
        for (int from = 0; from < count; from += BATCH) {
            int to = Math.min(count, from + BATCH) - 1;
            Map<String, Object> batch = new java.util.HashMap<>(parameters);
            batch.put("from", from);
            batch.put("to", to);
            if (inputs != null) {
                List<List<List<String>>> rows = new ArrayList<>(to - from + 1);
                for (int i = from; i <= to; i++) {
                    rows.add(inputs.apply(i));
                }
                batch.put("inputs", rows);
            }
            session.executeWrite(tx -> tx.run(query, batch).consume());
        }
    }
}
