package io.trialgraph.analytics;

import static io.trialgraph.analytics.AnalyticsTestSupport.TRACKER;
import static io.trialgraph.analytics.AnalyticsTestSupport.analytics;
import static io.trialgraph.analytics.AnalyticsTestSupport.desc;
import static io.trialgraph.analytics.AnalyticsTestSupport.exportCsv;
import static io.trialgraph.analytics.AnalyticsTestSupport.parseCsv;
import static io.trialgraph.analytics.AnalyticsTestSupport.seedStudy;
import static io.trialgraph.analytics.AnalyticsTestSupport.studyTable;
import static io.trialgraph.analytics.AnalyticsTestSupport.table;
import static org.assertj.core.api.Assertions.assertThat;

import io.trialgraph.analytics.AnalyticsTestSupport.Study;
import io.trialgraph.analytics.AnalyticsTestSupport.Table;
import io.trialgraph.api.v1.GetTableRequest;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ExportTableCsv on the seed study: the parsed CSV is the table GetTable returns. */
@TrialGraphTest
class AnalyticsCsvIT {

    private TestServer server;
    private Study study;

    @BeforeEach
    void seed(TestServer server) {
        this.server = server;
        this.study = seedStudy(server);
    }

    @Test
    void csvOfTheDefaultColumnsParsesBackToTheTable() {
        assertCsvEqualsTable(studyTable().addSort(desc("metrics.test_acc.last")).build());
    }

    @Test
    void csvHonoursColumnsFilterAndGroupingAndIgnoresPaging() {
        assertCsvEqualsTable(studyTable().addColumns("name").addColumns("params.note").addColumns("metrics.val_acc.mean")
                .addColumns("metrics.val_acc.std").addColumns("trials").setFilter("params.model = \"resnet\"")
                .addSort(desc("metrics.val_acc.mean")).build());
        assertCsvEqualsTable(studyTable().setFilter("kind = \"training\"").setGroupBy("params.epochs")
                .addSort(desc("metrics.test_acc.last")).build());

        // page_size and page_token are ignored: the export holds every row.
        GetTableRequest paged = studyTable().addColumns("name").setPageSize(5).build();
        List<List<String>> records = parseCsv(exportCsv(analytics(server), paged));
        assertThat(records).hasSize(1 + 19);
    }

    @Test
    void doublesRoundTripExactly() {
        GetTableRequest request = studyTable().addColumns("name").addColumns("metrics.val_acc.max")
                .addColumns("metrics.val_acc.first").addColumns("metrics.test_acc.last").setFilter("kind = \"training\"")
                .build();
        List<List<String>> records = parseCsv(exportCsv(analytics(server), request));
        assertThat(records.get(0)).containsExactly("name", "metrics.val_acc.max", "metrics.val_acc.first",
                "metrics.test_acc.last");
        assertThat(records).hasSize(1 + 18);
        for (List<String> record : records.subList(1, records.size())) {
            AnalyticsTestSupport.Job job = study.job(record.get(0));
            assertThat(Double.parseDouble(record.get(1))).as(job.name()).isEqualTo(job.valAccMax());
            assertThat(Double.parseDouble(record.get(2))).as(job.name()).isEqualTo(job.valAcc().get(0).value());
            assertThat(Double.parseDouble(record.get(3))).as(job.name()).isEqualTo(job.testAccLast());
        }
    }

    @Test
    void fieldsWithCommasAndQuotesAreQuoted() {
        GetTableRequest request = studyTable().addColumns("name").addColumns("params.note").addColumns("trials")
                .setFilter("name = \"" + TRACKER + "\" OR name = \"job-resnet-adam-30\"").build();
        List<List<String>> records = parseCsv(exportCsv(analytics(server), request));
        assertThat(records).hasSize(3);
        List<String> job = records.stream().filter(r -> r.get(0).equals("job-resnet-adam-30")).findFirst().orElseThrow();
        assertThat(job.get(1)).isEqualTo("warm-up \"cosine\", 5 epochs");
        List<String> tracker = records.stream().filter(r -> r.get(0).equals(TRACKER)).findFirst().orElseThrow();
        assertThat(tracker.get(1)).as("a missing value is an empty field").isEmpty();
        assertThat(List.of(tracker.get(2).split(","))).containsExactlyInAnyOrderElementsOf(study.trialNames());
    }

    @Test
    void parserHandlesRfc4180() {
        assertThat(parseCsv("a,b\n1,\"x, \"\"y\"\"\"\n,\"\"\n\"multi\nline\",z\n")).containsExactly(
                List.of("a", "b"), List.of("1", "x, \"y\""), List.of("", ""), List.of("multi\nline", "z"));
        assertThat(parseCsv("a,b\r\n1,2")).containsExactly(List.of("a", "b"), List.of("1", "2"));
    }

    private void assertCsvEqualsTable(GetTableRequest request) {
        Table table = table(analytics(server), request.toBuilder().setPageSize(10_000).build());
        String csv = exportCsv(analytics(server), request);
        assertThat(csv).endsWith("\n").doesNotContain("\r\n");
        List<List<String>> records = parseCsv(csv);

        assertThat(records).as("header and rows").hasSize(1 + table.rows().size());
        assertThat(records.get(0)).as("header").containsExactlyElementsOf(table.columns());
        List<String> mismatches = new ArrayList<>();
        for (int r = 0; r < table.rows().size(); r++) {
            List<Object> row = table.rows().get(r);
            List<String> record = records.get(r + 1);
            assertThat(record).as("fields of record %d", r + 1).hasSize(table.columns().size());
            for (int c = 0; c < row.size(); c++) {
                if (!sameValue(row.get(c), record.get(c))) {
                    mismatches.add("row " + r + " " + table.columns().get(c) + ": table " + row.get(c) + ", csv '"
                            + record.get(c) + "'");
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }

    /** Whether a CSV field stands for a table value: empty for missing, numbers parse back exactly. */
    private static boolean sameValue(Object value, String field) {
        if (value == null) {
            return field.isEmpty();
        }
        try {
            if (value instanceof Double d) {
                return Double.compare(Double.parseDouble(field), d) == 0;
            }
            if (value instanceof Long l) {
                return Long.parseLong(field) == l;
            }
        } catch (NumberFormatException e) {
            return false;
        }
        if (value instanceof Boolean b) {
            return field.equalsIgnoreCase(b.toString());
        }
        return field.equals(value);
    }
}
