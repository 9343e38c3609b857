package io.trialgraph.analytics;

import static io.trialgraph.testing.ApiFixtures.components;
import static io.trialgraph.testing.ApiFixtures.createComponent;
import static io.trialgraph.testing.ApiFixtures.createExperiment;
import static io.trialgraph.testing.ApiFixtures.createTrial;
import static io.trialgraph.testing.ApiFixtures.experiments;
import static io.trialgraph.testing.ApiFixtures.flag;
import static io.trialgraph.testing.ApiFixtures.integer;
import static io.trialgraph.testing.ApiFixtures.text;
import static io.trialgraph.testing.ApiFixtures.trials;
import static org.assertj.core.api.Assertions.assertThat;

import io.trialgraph.api.v1.AnalyticsServiceGrpc;
import io.trialgraph.api.v1.ExportTableCsvResponse;
import io.trialgraph.api.v1.GetTableRequest;
import io.trialgraph.api.v1.GetTableResponse;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.api.v1.IngestMetricsResponse;
import io.trialgraph.api.v1.MetricSeries;
import io.trialgraph.api.v1.ParameterValue;
import io.trialgraph.api.v1.SortKey;
import io.trialgraph.api.v1.TableRow;
import io.trialgraph.api.v1.TrialComponent;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.api.v1.TrialComponentStatus;
import io.trialgraph.testing.ApiFixtures;
import io.trialgraph.testing.IngestStream;
import io.trialgraph.testing.TestServer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shared helpers of the analytics tests: the seed study, metric ingestion (on the shared
 * {@link IngestStream}), reading tables and CSV exports back, and an RFC 4180 parser.
 */
final class AnalyticsTestSupport {

    /** The longest any single wait of an analytics test may take. */
    static final long TIMEOUT_SECONDS = 60;

    /** A fixed, plausible epoch-millisecond base for explicit metric timestamps. */
    static final long T0 = 1_700_000_000_000L;

    /** The experiment of the seed study. */
    static final String STUDY = "study";

    /** The shared tracker component of the seed study. */
    static final String TRACKER = "experiment-metadata";

    static final List<String> MODELS = List.of("resnet", "custom");
    static final List<String> OPTIMIZERS = List.of("adam", "sgd", "rmsprop");
    static final List<Long> EPOCHS = List.of(30L, 60L, 120L);

    /** The twelve statistics of every metric. */
    static final List<String> STATS = List.of(
            "min",
            "max",
            "mean",
            "std",
            "last",
            "first",
            "count",
            "non_finite_count",
            "min_step",
            "max_step",
            "first_step",
            "last_step");

    private AnalyticsTestSupport() {}

    static AnalyticsServiceGrpc.AnalyticsServiceBlockingStub analytics(TestServer server) {
        return ApiFixtures.analytics(server, TIMEOUT_SECONDS);
    }

    // ---------------------------------------------------------------- points

    /** One metric point as the test sent it. */
    record Point(long step, double value) {}

    /** The value at the highest step (the last one sent among equal steps). */
    static double last(List<Point> points) {
        Point last = null;
        for (Point p : points) {
            if (last == null || p.step() >= last.step()) {
                last = p;
            }
        }
        return last.value();
    }

    /** The largest value. */
    static double max(List<Point> points) {
        return points.stream().mapToDouble(Point::value).max().orElseThrow();
    }

    // ---------------------------------------------------------------- the seed study

    /** A training job of the seed study, with the raw points sent for its metrics. */
    record Job(
            String name,
            String trial,
            String model,
            String optimizer,
            long epochs,
            boolean pretrained,
            String note,
            List<Point> testAcc,
            List<Point> valAcc) {

        double testAccLast() {
            return last(testAcc);
        }

        double valAccMax() {
            return max(valAcc);
        }
    }

    /** What {@link #seedStudy} created. */
    record Study(List<Job> jobs, List<String> trialNames) {

        Job job(String name) {
            return jobs.stream().filter(j -> j.name().equals(name)).findFirst().orElseThrow();
        }

        /**
         * The job names by test_acc.last, largest first (or smallest first), ties by name: the
         * ranking computed here from the raw points.
         */
        List<String> rankingByTestAccLast(boolean descending) {
            Comparator<Job> byValue = Comparator.comparingDouble(Job::testAccLast);
            if (descending) {
                byValue = byValue.reversed();
            }
            return jobs.stream()
                    .sorted(byValue.thenComparing(Job::name))
                    .map(Job::name)
                    .toList();
        }
    }

    /**
     * Creates experiment {@value #STUDY} with 18 trials (model x optimizer x epochs), a training
     * job per trial with parameters model, optimizer, epochs, pretrained and note, and metrics
     * test_acc and val_acc, plus the shared tracker {@value #TRACKER} (no parameters, no metrics)
     * in every trial.
     */
    static Study seedStudy(TestServer server) {
        createExperiment(experiments(server, TIMEOUT_SECONDS), STUDY);
        TrialComponentServiceGrpc.TrialComponentServiceBlockingStub components = components(server, TIMEOUT_SECONDS);
        List<Job> jobs = new ArrayList<>();
        List<String> trialNames = new ArrayList<>();
        int i = 0;
        for (String model : MODELS) {
            for (String optimizer : OPTIMIZERS) {
                for (long epochs : EPOCHS) {
                    String suffix = model + "-" + optimizer + "-" + epochs;
                    String trial = "trial-" + suffix;
                    createTrial(trials(server, TIMEOUT_SECONDS), STUDY, trial);
                    trialNames.add(trial);
                    // A permutation of 0..17 so the ranking is not the creation order; 17 becomes
                    // 16 so two jobs tie on test_acc.last and the name decides.
                    int k = (i * 7) % 18;
                    if (k == 17) {
                        k = 16;
                    }
                    double lastValue = 0.40 + k * 0.03;
                    List<Point> testAcc = List.of(
                            new Point(0, 0.1),
                            new Point(1, lastValue - 0.05),
                            new Point(2, lastValue + 0.02),
                            new Point(3, lastValue));
                    List<Point> valAcc = List.of(
                            new Point(0, (i + 1) / 3.0 / 7.0),
                            new Point(1, (i + 3) / 3.0 / 7.0),
                            new Point(2, (i + 2) / 3.0 / 7.0));
                    String note = i % 3 == 0 ? "warm-up \"cosine\", 5 epochs" : "plain";
                    Job job = new Job(
                            "job-" + suffix,
                            trial,
                            model,
                            optimizer,
                            epochs,
                            model.equals("resnet"),
                            note,
                            testAcc,
                            valAcc);
                    createComponent(
                            components,
                            TrialComponent.newBuilder()
                                    .setName(job.name())
                                    .setKind("training")
                                    .setStatus(TrialComponentStatus.TRIAL_COMPONENT_STATUS_COMPLETED)
                                    .addTrialNames(trial)
                                    .putParameters("model", text(model))
                                    .putParameters("optimizer", text(optimizer))
                                    .putParameters("epochs", integer(epochs))
                                    .putParameters("pretrained", flag(job.pretrained()))
                                    .putParameters("note", text(note)));
                    jobs.add(job);
                    i++;
                }
            }
        }
        createComponent(
                components,
                TrialComponent.newBuilder().setName(TRACKER).setKind("tracker").addAllTrialNames(trialNames));

        Map<String, Map<String, List<Point>>> metrics = new LinkedHashMap<>();
        for (Job job : jobs) {
            Map<String, List<Point>> of = new LinkedHashMap<>();
            of.put("test_acc", job.testAcc());
            of.put("val_acc", job.valAcc());
            metrics.put(job.name(), of);
        }
        ingest(server, metrics);
        return new Study(List.copyOf(jobs), List.copyOf(trialNames));
    }

    // ---------------------------------------------------------------- ingestion

    static MetricSeries series(String component, String metric, List<Point> points) {
        MetricSeries.Builder builder =
                MetricSeries.newBuilder().setTrialComponentName(component).setMetricName(metric);
        for (Point p : points) {
            builder.addSteps(p.step()).addValues(p.value()).addTimestamps(T0 + p.step());
        }
        return builder.build();
    }

    /**
     * Ingests metrics (component, metric, points) on one stream, a batch per component, waits
     * for every acknowledgement, checks nothing was rejected and completes the stream.
     */
    static void ingest(TestServer server, Map<String, Map<String, List<Point>>> metrics) {
        IngestStream stream = IngestStream.open(server.channel());
        long sequence = 0;
        for (Map.Entry<String, Map<String, List<Point>>> component : metrics.entrySet()) {
            IngestMetricsRequest.Builder batch = IngestMetricsRequest.newBuilder()
                    .setWriterId("analytics-test")
                    .setSequence(++sequence);
            component
                    .getValue()
                    .forEach((metric, points) -> batch.addSeries(series(component.getKey(), metric, points)));
            stream.send(batch.build());
        }
        List<IngestMetricsResponse> responses = stream.awaitAck(sequence);
        assertThat(responses.stream()
                        .flatMap(r -> r.getRejectedBatchesList().stream())
                        .toList())
                .as("rejected batches")
                .isEmpty();
        assertThat(stream.complete().isOk()).as("the ingest stream ends OK").isTrue();
    }

    // ---------------------------------------------------------------- requests

    static GetTableRequest.Builder studyTable() {
        return GetTableRequest.newBuilder().setExperimentName(STUDY);
    }

    static SortKey desc(String column) {
        return SortKey.newBuilder().setColumn(column).setDescending(true).build();
    }

    static SortKey asc(String column) {
        return SortKey.newBuilder().setColumn(column).build();
    }

    // ---------------------------------------------------------------- tables

    /** A cell as a Java value: Double, Long, String, Boolean, or null when missing. */
    static Object value(ParameterValue value) {
        return switch (value.getValueCase()) {
            case NUMBER_VALUE -> value.getNumberValue();
            case INTEGER_VALUE -> value.getIntegerValue();
            case STRING_VALUE -> value.getStringValue();
            case BOOL_VALUE -> value.getBoolValue();
            case VALUE_NOT_SET -> null;
        };
    }

    /** One page (or the concatenation of pages) of a table, cells as Java values. */
    record Table(List<String> columns, List<List<Object>> rows, long totalRows, String nextPageToken) {

        static Table of(GetTableResponse response) {
            List<List<Object>> rows = new ArrayList<>();
            for (TableRow row : response.getRowsList()) {
                assertThat(row.getValuesCount()).as("values per row").isEqualTo(response.getColumnsCount());
                List<Object> values = new ArrayList<>();
                row.getValuesList().forEach(v -> values.add(value(v)));
                rows.add(values);
            }
            return new Table(
                    List.copyOf(response.getColumnsList()), rows, response.getTotalRows(), response.getNextPageToken());
        }

        int column(String name) {
            int index = columns.indexOf(name);
            assertThat(index).as("column %s in %s", name, columns).isNotNegative();
            return index;
        }

        /** The values of one column, row by row. */
        List<Object> values(String column) {
            int index = column(column);
            return rows.stream().map(r -> r.get(index)).toList();
        }

        List<String> names() {
            return values("name").stream().map(v -> (String) v).toList();
        }

        /** The value of a column in the row of the component with this name. */
        Object cell(String componentName, String column) {
            int nameIndex = column("name");
            int index = column(column);
            return rows.stream()
                    .filter(r -> componentName.equals(r.get(nameIndex)))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no row " + componentName))
                    .get(index);
        }
    }

    static Table table(AnalyticsServiceGrpc.AnalyticsServiceBlockingStub analytics, GetTableRequest request) {
        return Table.of(analytics.getTable(request));
    }

    static Table table(AnalyticsServiceGrpc.AnalyticsServiceBlockingStub analytics, GetTableRequest.Builder request) {
        return table(analytics, request.build());
    }

    // ---------------------------------------------------------------- CSV

    /** The concatenated parts of a CSV export. */
    static String exportCsv(AnalyticsServiceGrpc.AnalyticsServiceBlockingStub analytics, GetTableRequest request) {
        StringBuilder csv = new StringBuilder();
        for (Iterator<ExportTableCsvResponse> it = analytics.exportTableCsv(request); it.hasNext(); ) {
            csv.append(it.next().getCsv());
        }
        return csv.toString();
    }

    /**
     * Parses RFC 4180 text: fields separated by commas, records by "\n" (or "\r\n"); a field in
     * double quotes may hold commas, line ends and doubled quotes (one quote each). A final line
     * end does not start another record.
     */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        int n = text.length();
        boolean atRecordStart = true;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '"' && field.length() == 0) {
                // quoted field
                i++;
                while (true) {
                    if (i >= n) {
                        throw new IllegalArgumentException("unterminated quoted field at " + i);
                    }
                    char q = text.charAt(i);
                    if (q == '"') {
                        if (i + 1 < n && text.charAt(i + 1) == '"') {
                            field.append('"');
                            i += 2;
                        } else {
                            i++;
                            break;
                        }
                    } else {
                        field.append(q);
                        i++;
                    }
                }
                if (i < n && text.charAt(i) != ',' && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
                    throw new IllegalArgumentException("text after a closing quote at " + i);
                }
                atRecordStart = false;
                continue;
            }
            if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
                atRecordStart = false;
                i++;
            } else if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                i++;
            } else if (c == '\n') {
                record.add(field.toString());
                field.setLength(0);
                records.add(record);
                record = new ArrayList<>();
                atRecordStart = true;
                i++;
            } else if (c == '"') {
                throw new IllegalArgumentException("quote inside an unquoted field at " + i);
            } else {
                field.append(c);
                atRecordStart = false;
                i++;
            }
        }
        if (!atRecordStart) {
            record.add(field.toString());
            records.add(record);
        }
        return records;
    }
}
