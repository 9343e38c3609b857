package io.trialgraph.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.trialgraph.analytics.Column;
import io.trialgraph.analytics.Table;
import io.trialgraph.analytics.TableCsv;
import io.trialgraph.analytics.TableRequests;
import io.trialgraph.api.v1.AnalyticsServiceGrpc;
import io.trialgraph.service.AnalyticsService;
import jakarta.inject.Named;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * The analytics table of an experiment over HTTP: a page as JSON, or the whole table as CSV.
 * Query parameters are GetTable's fields: {@code column} (repeated), {@code filter},
 * {@code sort} (repeated, {@code COLUMN} or {@code COLUMN:desc}), {@code group_by},
 * {@code page_size}, {@code page_token}.
 */
@Controller(Api.PREFIX + "/experiments/{name}")
@ExecuteOn(Api.EXECUTOR)
final class TableApi {

    private final AnalyticsService service;
    private final ExecutorService streams;

    TableApi(AnalyticsService service, @Named(Api.STREAMS) ExecutorService streams) {
        this.service = service;
        this.streams = streams;
    }

    @Get(uri = "/table", produces = MediaType.APPLICATION_JSON)
    @Rpc(AnalyticsServiceGrpc.SERVICE_NAME + "/GetTable")
    HttpResponse<String> table(@PathVariable String name, HttpRequest<?> request) {
        Table.Page page = service.page(query(name, new Params(request)));
        List<List<Object>> rows = new ArrayList<>(page.rows().size());
        for (List<Object> row : page.rows()) {
            List<Object> cells = new ArrayList<>(row.size());
            for (Object value : row) {
                cells.add(value instanceof Double number ? Json.finite(number) : value);
            }
            rows.add(cells);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("columns", page.columns().stream().map(Column::id).toList());
        answer.put("rows", rows);
        answer.put("total_rows", page.totalRows());
        answer.put("next_page_token", TableRequests.token(page.nextOffset()));
        return ExperimentsApi.json(answer);
    }

    @Get(uri = "/table.csv", produces = "text/csv")
    @Rpc(AnalyticsServiceGrpc.SERVICE_NAME + "/ExportTableCsv")
    CompletableFuture<HttpResponse<byte[]>> csv(@PathVariable String name, HttpRequest<?> request) {
        Table.Query query = query(name, new Params(request));
        return StreamedBody.respond(streams, MediaType.of("text/csv; charset=utf-8"), body -> {
            boolean[] header = {true};
            service.all(query, page -> {
                body.write(TableCsv.page(page, header[0]));
                header[0] = false;
            });
        });
    }

    private static Table.Query query(String experiment, Params params) {
        List<String> sortColumns = new ArrayList<>();
        List<Boolean> descending = new ArrayList<>();
        for (String key : params.all("sort")) {
            boolean desc = key.endsWith(":desc");
            boolean asc = key.endsWith(":asc");
            sortColumns.add(desc || asc ? key.substring(0, key.lastIndexOf(':')) : key);
            descending.add(desc);
        }
        return TableRequests.check(
                new Table.Scope(experiment, null, null),
                params.all("column"),
                params.text("filter"),
                sortColumns,
                descending,
                params.text("group_by"),
                params.integer("page_size", 0),
                params.text("page_token"));
    }
}
