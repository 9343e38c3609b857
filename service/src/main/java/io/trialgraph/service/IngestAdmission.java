package io.trialgraph.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Value;
import io.trialgraph.config.IngestConfiguration;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The global budget of metric batches in flight: bytes received (or about to be) and not yet
 * committed, over all ingest streams together. A stream asks before it reads its next batch
 * ({@link Ticket#requestNext}); while the budget is spent it waits, first come first served, and
 * its writer is slowed by flow control instead of the server filling its heap.
 *
 * <p>The size of the next batch is not known before it is read, so a stream reserves the size of
 * its previous batch (the largest message the server accepts for its first one) and the actual
 * size replaces the reservation when the batch arrives. A reservation whose batch has not come
 * for {@value #IDLE_RESERVATION_MILLIS} ms while other streams wait is set aside (a writer between
 * jobs would otherwise block everyone); its batch is counted when it comes. So the budget is
 * exceeded only by a batch larger than its stream's previous one, or by the batch of a stream
 * that had been quiet; at most one batch per stream.
 */
@Singleton
public class IngestAdmission {

    /** How long a reservation may wait for its batch while other streams wait for the budget. */
    static final long IDLE_RESERVATION_MILLIS = 1_000;
    /** The smallest reservation: a batch of a few points still costs this much in buffers and objects. */
    static final long MIN_RESERVATION = 16 * 1024;

    private final long budget;
    private final long firstReservation;
    private final Deque<Ticket> waiting = new ArrayDeque<>();
    /** Tickets whose reservation waits for its batch, oldest first. */
    private final Set<Ticket> reserved = new LinkedHashSet<>();

    private final ScheduledExecutorService timer;
    private final BackgroundTasks background;
    private final Counter waits;
    private long inFlight;
    private ScheduledFuture<?> sweep;

    IngestAdmission(
            IngestConfiguration config,
            @Value("${grpc.server.max-inbound-message-size:4194304}") long maxMessageBytes,
            MeterRegistry registry,
            BackgroundTasks background) {
        this.budget = config.getMaxInFlightBytes();
        this.firstReservation = Math.max(MIN_RESERVATION, maxMessageBytes);
        this.background = background;
        this.timer = Executors.newSingleThreadScheduledExecutor(background.threads("trialgraph-ingest-admission"));
        Gauge.builder("trialgraph.ingest.in.flight", this, IngestAdmission::inFlightBytes)
                .baseUnit("bytes")
                .description("Metric batches received (or reserved for) and not yet committed, all streams together")
                .register(registry);
        Gauge.builder("trialgraph.ingest.streams.waiting", this, admission -> admission.waitingStreams())
                .description("Ingest streams waiting for the in-flight budget before reading their next batch")
                .register(registry);
        this.waits = Counter.builder("trialgraph.ingest.admission.waits")
                .description(
                        "Times an ingest stream had to wait for the in-flight budget before reading its next batch")
                .register(registry);
    }

    /** @return the budget in bytes */
    public long budget() {
        return budget;
    }

    /** @return bytes reserved or held now, all streams together */
    public synchronized long inFlightBytes() {
        return inFlight;
    }

    /** @return streams waiting for the budget now */
    public synchronized int waitingStreams() {
        return waiting.size();
    }

    /** A new stream's place in the budget. */
    public Ticket open() {
        return new Ticket();
    }

    /** One stream's share: at most one batch reserved or held at a time. */
    public final class Ticket {
        private long held;
        private long lastSize;
        private long reservedAt;
        private boolean awaitingBatch;
        private boolean setAside;
        private boolean closed;
        private Runnable admit;

        private Ticket() {}

        /**
         * Runs {@code readNext} (which reads the stream's next batch) now if the budget allows, or
         * later, on the thread that frees the budget; never after {@link #close()}.
         */
        public void requestNext(Runnable readNext) {
            List<Runnable> admitted;
            synchronized (IngestAdmission.this) {
                if (closed) {
                    return;
                }
                admit = readNext;
                if (waiting.isEmpty() && fits(reservation())) {
                    admitted = List.of(reserve(this));
                } else {
                    waiting.addLast(this);
                    waits.increment();
                    scheduleSweep();
                    admitted = List.of();
                }
            }
            admitted.forEach(Runnable::run);
        }

        /** The batch asked for arrived with {@code bytes} bytes: it now holds its place in the budget. */
        public void received(long bytes) {
            List<Runnable> admitted;
            synchronized (IngestAdmission.this) {
                if (closed) {
                    return;
                }
                lastSize = bytes;
                reserved.remove(this);
                awaitingBatch = false;
                inFlight += bytes - (setAside ? 0 : held);
                setAside = false;
                held = bytes;
                admitted = admitWaiting();
            }
            admitted.forEach(Runnable::run);
        }

        /** The batch is committed (or dropped): its bytes go back to the budget. */
        public void done() {
            List<Runnable> admitted;
            synchronized (IngestAdmission.this) {
                admitted = release(this);
            }
            admitted.forEach(Runnable::run);
        }

        /** The stream ended: whatever it reserved or held goes back, and it stops waiting. */
        public void close() {
            List<Runnable> admitted;
            synchronized (IngestAdmission.this) {
                closed = true;
                waiting.remove(this);
                reserved.remove(this);
                admit = null;
                admitted = release(this);
            }
            admitted.forEach(Runnable::run);
        }

        private long reservation() {
            return lastSize == 0 ? firstReservation : Math.max(MIN_RESERVATION, lastSize);
        }
    }

    private boolean fits(long bytes) {
        // A batch larger than the whole budget still gets in, alone.
        return inFlight == 0 || inFlight + bytes <= budget;
    }

    private Runnable reserve(Ticket ticket) {
        long bytes = ticket.reservation();
        ticket.held = bytes;
        ticket.awaitingBatch = true;
        ticket.setAside = false;
        ticket.reservedAt = System.nanoTime();
        inFlight += bytes;
        reserved.add(ticket);
        Runnable readNext = ticket.admit;
        ticket.admit = null;
        return readNext;
    }

    private List<Runnable> release(Ticket ticket) {
        if (!ticket.setAside) {
            inFlight -= ticket.held;
        }
        ticket.held = 0;
        ticket.setAside = false;
        return admitWaiting();
    }

    private List<Runnable> admitWaiting() {
        List<Runnable> admitted = new ArrayList<>();
        while (!waiting.isEmpty() && fits(waiting.peekFirst().reservation())) {
            admitted.add(reserve(waiting.pollFirst()));
        }
        return admitted;
    }

    private void scheduleSweep() {
        if (sweep == null || sweep.isDone()) {
            sweep = timer.scheduleWithFixedDelay(
                    background.reporting("trialgraph-ingest-admission", this::sweep),
                    IDLE_RESERVATION_MILLIS / 4,
                    IDLE_RESERVATION_MILLIS / 4,
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Sets aside reservations that waited too long for their batch while other streams wait. */
    private void sweep() {
        List<Runnable> admitted;
        synchronized (this) {
            if (waiting.isEmpty()) {
                sweep.cancel(false);
                return;
            }
            long now = System.nanoTime();
            for (Ticket ticket : reserved) {
                if (now - ticket.reservedAt < TimeUnit.MILLISECONDS.toNanos(IDLE_RESERVATION_MILLIS)) {
                    break;
                }
                if (ticket.awaitingBatch && !ticket.setAside) {
                    inFlight -= ticket.held;
                    ticket.setAside = true;
                }
            }
            reserved.removeIf(ticket -> ticket.setAside);
            admitted = admitWaiting();
        }
        admitted.forEach(Runnable::run);
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }
}
