package io.trialgraph.grpc;

import static io.trialgraph.grpc.ExperimentEndpoint.reply;

import io.grpc.stub.StreamObserver;
import io.trialgraph.analytics.Table;
import io.trialgraph.analytics.TableCsv;
import io.trialgraph.analytics.TableRequests;
import io.trialgraph.api.v1.AnalyticsServiceGrpc;
import io.trialgraph.api.v1.ExportTableCsvResponse;
import io.trialgraph.api.v1.GetTableRequest;
import io.trialgraph.api.v1.GetTableResponse;
import io.trialgraph.api.v1.SortKey;
import io.trialgraph.api.v1.TableRow;
import io.trialgraph.domain.InvalidArgumentException;
import io.trialgraph.service.AnalyticsService;
import jakarta.inject.Singleton;
import java.util.List;

/** gRPC face of {@link AnalyticsService}; also writes the CSV. */
@Singleton
class AnalyticsEndpoint extends AnalyticsServiceGrpc.AnalyticsServiceImplBase {

    private final AnalyticsService service;

    AnalyticsEndpoint(AnalyticsService service) {
        this.service = service;
    }

    @Override
    public void getTable(GetTableRequest request, StreamObserver<GetTableResponse> response) {
        Table.Page page = service.page(query(request));
        GetTableResponse.Builder builder = GetTableResponse.newBuilder()
                .setTotalRows(page.totalRows())
                .setNextPageToken(TableRequests.token(page.nextOffset()));
        page.columns().forEach(column -> builder.addColumns(column.id()));
        for (List<Object> row : page.rows()) {
            TableRow.Builder cells = TableRow.newBuilder();
            row.forEach(value -> cells.addValues(Protos.value(value)));
            builder.addRows(cells);
        }
        reply(response, builder.build());
    }

    /** About how much CSV text one streamed message carries. */
    static final int CSV_MESSAGE_CHARS = 64 * 1024;

    /**
     * Streams the table as CSV with flow control: a page of rows is computed only when the
     * client has read what came before ({@link FlowControlledReplies}), and sent in messages of
     * about {@value #CSV_MESSAGE_CHARS} characters; a stalled reader holds one page at most.
     */
    @Override
    public void exportTableCsv(GetTableRequest request, StreamObserver<ExportTableCsvResponse> response) {
        AnalyticsService.Export export = service.export(query(request));
        FlowControlledReplies.send(response, new java.util.function.Supplier<>() {
            private String text = "";
            private int at;
            private boolean header = true;

            @Override
            public ExportTableCsvResponse get() {
                while (at == text.length()) {
                    Table.Page page = export.next();
                    if (page == null) {
                        return null;
                    }
                    text = TableCsv.page(page, header);
                    at = 0;
                    header = false;
                }
                // Cut after a line end (never inside a surrogate pair), at about CSV_MESSAGE_CHARS.
                int cut = text.indexOf('\n', Math.min(text.length() - 1, at + CSV_MESSAGE_CHARS - 1));
                int end = cut < 0 ? text.length() : cut + 1;
                String part = text.substring(at, end);
                at = end;
                if (at == text.length()) {
                    text = "";
                    at = 0;
                }
                return ExportTableCsvResponse.newBuilder().setCsv(part).build();
            }
        });
    }

    private static Table.Query query(GetTableRequest request) {
        Table.Scope scope = switch (request.getScopeCase()) {
            case EXPERIMENT_NAME -> Table.Scope.ofExperiment(request.getExperimentName());
            case TRIAL_NAMES -> Table.Scope.ofTrials(request.getTrialNames().getNamesList());
            case EXPERIMENT_NAME_PREFIX -> Table.Scope.ofExperimentPrefix(request.getExperimentNamePrefix());
            case DATASET_URI -> Table.Scope.ofDataset(request.getDatasetUri());
            case EXPERIMENT_TAGS ->
                Table.Scope.ofExperimentTags(request.getExperimentTags().getTagsMap());
            case SCOPE_NOT_SET -> null;
        };
        Table.Rows rows = switch (request.getRows()) {
            case TABLE_ROWS_UNSPECIFIED, TABLE_ROWS_COMPONENTS -> Table.Rows.COMPONENTS;
            case TABLE_ROWS_TRIALS -> Table.Rows.TRIALS;
            case UNRECOGNIZED -> throw new InvalidArgumentException("rows", "is not a known TableRows");
        };
        return TableRequests.check(
                scope,
                rows,
                request.getColumnsList(),
                request.getFilter(),
                request.getSortList().stream().map(SortKey::getColumn).toList(),
                request.getSortList().stream().map(SortKey::getDescending).toList(),
                request.getGroupBy(),
                request.getPageSize(),
                request.getPageToken());
    }
}
