package io.trialgraph.grpc;

import static io.trialgraph.grpc.ExperimentEndpoint.reply;

import io.grpc.stub.StreamObserver;
import io.trialgraph.api.v1.AnalyticsServiceGrpc;
import io.trialgraph.api.v1.ExportTableCsvResponse;
import io.trialgraph.api.v1.GetTableRequest;
import io.trialgraph.api.v1.GetTableResponse;
import io.trialgraph.api.v1.SortKey;
import io.trialgraph.api.v1.TableRow;
import io.trialgraph.api.v1.TableValue;
import io.trialgraph.domain.Table;
import io.trialgraph.domain.TableColumn;
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
                .setNextPageToken(AnalyticsService.token(page.nextOffset()));
        page.columns().forEach(column -> builder.addColumns(column.id()));
        for (List<Object> row : page.rows()) {
            TableRow.Builder cells = TableRow.newBuilder();
            row.forEach(value -> cells.addValues(cell(value)));
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
            private Table.Page page = export.next();
            private boolean header = true;
            private int row;

            @Override
            public ExportTableCsvResponse get() {
                if (page == null) {
                    return null;
                }
                StringBuilder csv = new StringBuilder();
                if (header) {
                    csv.append(String.join(",", page.columns().stream().map(TableColumn::id).map(AnalyticsEndpoint::csvField)
                            .toList())).append('\n');
                    header = false;
                }
                while (page != null && csv.length() < CSV_MESSAGE_CHARS) {
                    if (row == page.rows().size()) {
                        page = page.nextOffset() < 0 ? null : export.next();
                        row = 0;
                        continue;
                    }
                    List<Object> cells = page.rows().get(row++);
                    for (int i = 0; i < cells.size(); i++) {
                        if (i > 0) {
                            csv.append(',');
                        }
                        Object value = cells.get(i);
                        csv.append(value == null ? "" : csvField(String.valueOf(value)));
                    }
                    csv.append('\n');
                }
                return ExportTableCsvResponse.newBuilder().setCsv(csv.toString()).build();
            }
        });
    }

    /** RFC 4180: quote a field holding a comma, quote, line break or outer space; double its quotes. */
    static String csvField(String text) {
        boolean quote = text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")
                || (!text.isEmpty() && (Character.isWhitespace(text.charAt(0)) || Character.isWhitespace(text.charAt(text.length() - 1))));
        return quote ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
    }

    private static TableValue cell(Object value) {
        TableValue.Builder cell = TableValue.newBuilder();
        if (value instanceof Double number) {
            cell.setNumberValue(number);
        } else if (value instanceof Number integer) {
            cell.setIntegerValue(integer.longValue());
        } else if (value instanceof Boolean flag) {
            cell.setBoolValue(flag);
        } else if (value != null) {
            cell.setStringValue(value.toString());
        }
        return cell.build();
    }

    private static Table.Query query(GetTableRequest request) {
        Table.Scope scope = switch (request.getScopeCase()) {
            case EXPERIMENT_NAME -> new Table.Scope(request.getExperimentName(), null, null);
            case TRIAL_NAMES -> new Table.Scope(null, request.getTrialNames().getNamesList(), null);
            case EXPERIMENT_NAME_PREFIX -> new Table.Scope(null, null, request.getExperimentNamePrefix());
            case SCOPE_NOT_SET -> null;
        };
        return AnalyticsService.query(scope, request.getColumnsList(), request.getFilter(),
                request.getSortList().stream().map(SortKey::getColumn).toList(),
                request.getSortList().stream().map(SortKey::getDescending).toList(),
                request.getGroupBy(), request.getPageSize(), request.getPageToken());
    }
}
