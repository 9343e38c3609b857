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
import io.trialgraph.domain.TableCsv;
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

    @Override
    public void exportTableCsv(GetTableRequest request, StreamObserver<ExportTableCsvResponse> response) {
        boolean[] header = {true};
        service.all(query(request), page -> {
            response.onNext(ExportTableCsvResponse.newBuilder().setCsv(TableCsv.page(page, header[0])).build());
            header[0] = false;
        });
        response.onCompleted();
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
