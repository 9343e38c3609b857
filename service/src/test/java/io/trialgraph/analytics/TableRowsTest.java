package io.trialgraph.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A snapshot with some rows read again, added or removed holds exactly what a snapshot read whole
 * from the same rows does, cell by cell, and the snapshot it was made from is unchanged.
 */
class TableRowsTest {

    private static final List<Column> COLUMNS = List.of(
            new Column.Fixed(FixedColumn.NAME),
            new Column.Fixed(FixedColumn.STATUS),
            new Column.Fixed(FixedColumn.TRIALS),
            new Column.Param("lr"),
            new Column.Param("opt"),
            new Column.Metric("acc", Stat.LAST),
            new Column.Metric("acc", Stat.COUNT),
            new Column.Metric("loss", Stat.MIN),
            new Column.Metric("loss", Stat.LAST_STEP),
            new Column.Metric("val_acc", Stat.MAX));

    @Test
    void changedRowsReadAgainEqualTheRowsReadWhole() {
        Map<String, TableRows.Row> rows = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            rows.put(
                    "c" + i, row("c" + i, "Completed", Map.of("lr", 0.1 * i), i % 2 == 0 ? List.of("acc") : List.of()));
        }
        TableRows before = TableRows.of(rows.values());
        Map<String, List<Object>> beforeCells = cells(before);

        // Values read again in place: a parameter gone, another new, a metric gone, one new.
        Map<String, TableRows.Row> inPlace = new HashMap<>();
        inPlace.put("c0", row("c0", "Failed", Map.of("opt", "adam"), List.of("loss")));
        inPlace.put("c3", row("c3", "InProgress", Map.of("lr", 2L), List.of("acc", "loss")));
        TableRows rewritten = before.with(inPlace);
        rows.putAll(inPlace);
        assertThat(cells(rewritten)).isEqualTo(cells(TableRows.of(rows.values())));
        assertThat(rewritten.present()).isEqualTo(TableRows.of(rows.values()).present());

        // Rows leaving and joining.
        Map<String, TableRows.Row> moved = new HashMap<>();
        moved.put("c1", null);
        moved.put("c9", row("c9", "Completed", Map.of(), List.of("acc")));
        TableRows reshaped = rewritten.with(moved);
        rows.remove("c1");
        rows.put("c9", moved.get("c9"));
        assertThat(cells(reshaped)).isEqualTo(cells(TableRows.of(rows.values())));

        assertThat(cells(before)).as("the first snapshot is unchanged").isEqualTo(beforeCells);
    }

    @Test
    void rowsReadAgainWhileJobsStreamEqualTheRowsReadWholeInEveryChunkAndNoEarlierSnapshotChanges() {
        // Several chunks of metric columns, refreshed again and again as ingest does: a few rows at
        // a time, their statistics changed, now and then a metric gone or new. Every snapshot must
        // equal the same rows read whole, and keep its cells while later ones are made from it.
        Random random = new Random(16);
        int size = TableRows.CHUNK_ROWS * 4 + 5;
        Map<String, TableRows.Row> rows = new HashMap<>();
        for (int i = 0; i < size; i++) {
            rows.put("c" + i, row("c" + i, "InProgress", Map.of("lr", 0.1 * i), List.of("acc", "loss"), random));
        }
        TableRows snapshot = TableRows.of(rows.values());
        List<TableRows> snapshots = new ArrayList<>();
        List<Map<String, List<Object>>> expected = new ArrayList<>();
        for (int refresh = 0; refresh < 40; refresh++) {
            snapshots.add(snapshot);
            expected.add(cells(snapshot));
            Map<String, TableRows.Row> changes = new HashMap<>();
            for (int n = 1 + random.nextInt(6); n > 0; n--) {
                String name = "c" + random.nextInt(size);
                List<String> metrics = switch (random.nextInt(8)) {
                    case 0 -> List.of("acc");
                    case 1 -> List.of("loss", "acc", "val_acc");
                    default -> List.of("acc", "loss");
                };
                changes.put(name, row(name, "InProgress", Map.of("lr", 0.1), metrics, random));
            }
            snapshot = snapshot.with(changes);
            rows.putAll(changes);
            TableRows whole = TableRows.of(rows.values());
            assertThat(cells(snapshot)).as("refresh %d", refresh).isEqualTo(cells(whole));
            assertThat(snapshot.present()).isEqualTo(whole.present());
        }
        for (int i = 0; i < snapshots.size(); i++) {
            assertThat(cells(snapshots.get(i)))
                    .as("snapshot %d is unchanged", i)
                    .isEqualTo(expected.get(i));
        }
    }

    private static TableRows.Row row(
            String name, String status, Map<String, Object> params, List<String> metrics, Random random) {
        TableRows.Row row = row(name, status, params, metrics);
        for (int i = 0; i < row.stats().length; i++) {
            row.stats()[i] = random.nextInt(5) == 0 ? -0.0 : random.nextDouble();
        }
        return row;
    }

    private static TableRows.Row row(String name, String status, Map<String, Object> params, List<String> metrics) {
        Object[] fixed = new Object[FixedColumn.values().length];
        fixed[FixedColumn.NAME.ordinal()] = name;
        fixed[FixedColumn.STATUS.ordinal()] = status;
        fixed[FixedColumn.TRIALS.ordinal()] = "t-" + name;
        double[] stats = new double[metrics.size() * StatsRow.WIDTH];
        for (int i = 0; i < stats.length; i++) {
            stats[i] = name.hashCode() % 100 + i;
        }
        return new TableRows.Row(name, fixed, params, metrics, stats);
    }

    /** Component name -> the row's value in every column. */
    private static Map<String, List<Object>> cells(TableRows rows) {
        Map<String, List<Object>> cells = new HashMap<>();
        for (int row = 0; row < rows.size(); row++) {
            List<Object> values = new ArrayList<>();
            for (Column column : COLUMNS) {
                values.add(rows.reader(column).apply(row));
            }
            cells.put(rows.name(row), values);
        }
        return cells;
    }
}
