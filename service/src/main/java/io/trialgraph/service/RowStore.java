package io.trialgraph.service;

import io.trialgraph.analytics.Column;
import io.trialgraph.analytics.RowChange;
import io.trialgraph.analytics.Table;
import io.trialgraph.analytics.TableEvaluator;
import io.trialgraph.analytics.TableRows;
import io.trialgraph.config.AnalyticsConfiguration;
import io.trialgraph.domain.CallBudget;
import io.trialgraph.domain.CancelledException;
import io.trialgraph.domain.DeadlineExceededException;
import io.trialgraph.domain.NotFoundException;
import io.trialgraph.store.AnalyticsStore;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The analytics table's rows kept in memory, so a request is answered in Java
 * ({@link TableEvaluator}) instead of reading every row through Cypher. Held per scope (this round:
 * the component rows of one experiment), column by column ({@link TableRows}), and kept exactly in
 * step with the graph: the embedded Neo4j tells after every commit, whoever made it, which
 * components it may have changed (a transaction listener, see {@link AnalyticsStore#subscribe}); those rows are marked dirty, and the next
 * request for the scope reads just them again (one read) into a new immutable snapshot before it
 * answers. A commit acknowledged to its writer has already been heard of, so its change is in
 * every answer that follows. With an external Neo4j nothing tells of commits (other replicas, Bolt
 * writers), so there is no row store: every table is computed in Cypher.
 *
 * <p>Memory is bounded by {@code trialgraph.analytics.row-store-cells}: least recently used scopes
 * go first; a scope larger than the bound on its own is computed in Cypher.
 */
@Singleton
public class RowStore {

    /** One scope's rows and what changed since they were read. */
    private static final class Scope {
        final String experiment;
        /** One refresh at a time; a request waits for it only as long as its own deadline allows. */
        final ReentrantLock refresh = new ReentrantLock();
        /** Components whose rows changed since the snapshot was read. */
        final Set<String> dirty = ConcurrentHashMap.newKeySet();
        /** Components being read again now: a change to one of them during the read is marked again. */
        volatile Set<String> reading = Set.of();
        /** A refresh has taken marks it has not yet made into rows: a request must wait for it. */
        volatile boolean refreshing;
        /** Every row may have changed (or the scope was never read). */
        volatile boolean dirtyAll = true;
        /** The rows; null until read, or when they cannot be held (a value of another type, too many cells). */
        volatile TableRows rows;

        volatile boolean unsupported;

        Scope(String experiment) {
            this.experiment = experiment;
        }

        long cells() {
            TableRows held = rows;
            return held == null ? 0 : held.cells();
        }
    }

    /** Marks a scope keeps before it is read again whole instead (see {@link #changed}). */
    private static final int MIN_MARKS = 1_000;

    private final AnalyticsStore store;
    private final long maxCells;
    private final boolean enabled;
    /** Experiment -> its scope, least recently used first. Guarded by itself. */
    private final LinkedHashMap<String, Scope> scopes = new LinkedHashMap<>(16, 0.75f, true);
    /** Experiments found larger than the bound: computed, until a trial or an experiment changes. */
    private final Set<String> tooLarge = ConcurrentHashMap.newKeySet();

    private final AtomicLong answered = new AtomicLong();
    /** Commits heard of that may have changed a row: an answer is current while this and the database state stay the same. */
    private final AtomicLong generation = new AtomicLong();

    RowStore(AnalyticsStore store, AnalyticsConfiguration config) {
        this.store = store;
        this.maxCells = config.getRowStoreCells();
        this.enabled = maxCells > 0 && store.subscribe(this::changed);
    }

    /** @return how many pages were answered from memory since the start */
    public long answered() {
        return answered.get();
    }

    /**
     * @return how many commits that may change a row were heard of: read before {@link #page}, an
     *     answer reflects every such commit up to it
     */
    public long generation() {
        return generation.get();
    }

    /** @return whether tables are answered from memory (embedded Neo4j and a non-zero bound) */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * @return the page from the rows in memory, or empty when this request is computed in Cypher
     *     (another scope, rows per trial, the store off, the scope too large or holding values of
     *     another type)
     * @throws NotFoundException when the experiment does not exist
     */
    public Optional<Table.Page> page(Table.Query query) {
        if (!enabled || query.rows() != Table.Rows.COMPONENTS || query.scope().experiment() == null) {
            return Optional.empty();
        }
        if (tooLarge.contains(query.scope().experiment())) {
            return Optional.empty();
        }
        Scope scope;
        synchronized (scopes) {
            scope = scopes.computeIfAbsent(query.scope().experiment(), Scope::new);
        }
        TableRows rows = fresh(scope);
        if (rows == null) {
            return Optional.empty();
        }
        List<Column> columns = query.columns().isEmpty() ? rows.present().defaultColumns() : query.columns();
        answered.incrementAndGet();
        return Optional.of(TableEvaluator.page(rows, query, columns));
    }

    /** The scope's rows with every change heard of so far; null when they cannot be held. */
    private TableRows fresh(Scope scope) {
        // In this order: a refresh sets refreshing before it takes the marks, and clears it after
        // its rows are in place.
        if (!scope.dirtyAll && scope.dirty.isEmpty() && !scope.refreshing) {
            return scope.unsupported ? null : scope.rows;
        }
        // One refresh at a time per scope: concurrent requests wait for it and share its result.
        lock(scope);
        try {
            scope.refreshing = true;
            try {
                if (scope.dirtyAll) {
                    // Cleared before reading: a commit heard of during the read is read again next time.
                    scope.dirtyAll = false;
                    scope.dirty.clear();
                    scope.rows = null;
                    Optional<List<TableRows.Row>> read = store.rowsOfExperiment(scope.experiment, null);
                    scope.unsupported = read.isEmpty();
                    scope.rows = read.map(TableRows::of).orElse(null);
                } else if (scope.rows == null) {
                    // Values the row store does not hold: computed until the next change of every row.
                    scope.dirty.clear();
                } else if (!scope.dirty.isEmpty()) {
                    List<String> names = List.copyOf(scope.dirty);
                    scope.reading = Set.copyOf(names);
                    scope.dirty.removeAll(names);
                    Optional<List<TableRows.Row>> read = store.rowsOfExperiment(scope.experiment, names);
                    if (read.isEmpty()) {
                        scope.unsupported = true;
                        scope.dirtyAll = true;
                        scope.rows = null;
                    } else {
                        Map<String, TableRows.Row> changes = new HashMap<>();
                        names.forEach(name -> changes.put(name, null));
                        read.get().forEach(row -> changes.put(row.name(), row));
                        scope.rows = scope.rows.with(changes);
                    }
                    scope.reading = Set.of();
                }
            } catch (RuntimeException e) {
                // Read again from scratch next time (the experiment gone, a read that failed).
                scope.refreshing = false;
                scope.reading = Set.of();
                scope.dirtyAll = true;
                scope.rows = null;
                synchronized (scopes) {
                    scopes.remove(scope.experiment, scope);
                }
                throw e;
            }
            scope.refreshing = false;
            TableRows rows = scope.unsupported ? null : scope.rows;
            if (rows != null && rows.cells() > maxCells) {
                tooLarge.add(scope.experiment);
                rows = null;
            }
            bound(scope);
            return rows;
        } finally {
            scope.refresh.unlock();
        }
    }

    /**
     * Waits for the refresh another request is making, within this request's deadline (the
     * refresh itself runs within its own caller's): a request never waits past its deadline.
     */
    private static void lock(Scope scope) {
        CallBudget budget = CallBudget.current();
        long waitMillis = budget.remaining().map(Duration::toMillis).orElse(Long.MAX_VALUE);
        try {
            if (scope.refresh.tryLock(waitMillis, TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException("the call was cancelled while the table's rows were being read");
        }
        throw new DeadlineExceededException("the call's deadline passed while the table's rows were being read");
    }

    /** Least recently used scopes go until the cells held fit; a scope alone over the bound is not held. */
    private void bound(Scope latest) {
        synchronized (scopes) {
            long total = 0;
            for (Scope scope : scopes.values()) {
                total += scope.cells();
            }
            for (Iterator<Scope> it = scopes.values().iterator(); total > maxCells && it.hasNext(); ) {
                Scope scope = it.next();
                if (scope != latest || latest.cells() > maxCells) {
                    total -= scope.cells();
                    it.remove();
                }
            }
        }
    }

    /** Hears of a commit: marks the rows it may have changed in every scope held. */
    private void changed(RowChange change) {
        generation.incrementAndGet();
        if (change.everything()) {
            tooLarge.clear();
        }
        List<Scope> held;
        synchronized (scopes) {
            held = List.copyOf(scopes.values());
        }
        for (Scope scope : held) {
            if (change.everything()) {
                scope.dirtyAll = true;
                continue;
            }
            // A value change matters to the rows held, to those about to be read and to those being read.
            TableRows rows = scope.rows;
            for (String name : change.values()) {
                if (rows == null || rows.has(name) || scope.dirty.contains(name) || scope.reading.contains(name)) {
                    scope.dirty.add(name);
                }
            }
            scope.dirty.addAll(change.membership());
            // Marks of a scope no request reads pile up with every new component anywhere: past
            // the rows held, reading them all again is as cheap and the marks are bounded.
            if (scope.dirty.size() > Math.max(MIN_MARKS, rows == null ? 0 : rows.size())) {
                scope.dirtyAll = true;
                scope.dirty.clear();
            }
        }
    }
}
