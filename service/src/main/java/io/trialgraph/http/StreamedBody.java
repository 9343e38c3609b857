package io.trialgraph.http;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * A response body written by blocking code (a CSV export, a query's rows) as it produces it, with
 * flow control: the producer waits while {@value #QUEUED_CHUNKS} chunks are not yet taken by the
 * connection, so a slow reader slows the database read instead of filling memory, and a reader
 * that goes away stops it. The first chunk decides the status: a failure before it is the error
 * response gRPC's status maps to; after it, the producer writes the failure into the body
 * itself, or the connection is cut.
 */
final class StreamedBody {

    static final int QUEUED_CHUNKS = 4;
    private static final Object END = new Object();
    private static final java.time.Duration STALLED = java.time.Duration.ofMinutes(2);

    /** Blocking code that writes a body. */
    interface Producer {
        void produce(StreamedBody body) throws Exception;
    }

    /** The reader went away: the producer should stop. */
    static final class Cancelled extends RuntimeException {
        Cancelled() {
            super("the HTTP client went away", null, false, false);
        }
    }

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
    private volatile boolean cancelled;

    private StreamedBody() {}

    /**
     * Runs the producer on {@code executor} and answers once its first chunk (or failure) is there.
     */
    /*
     * Declared as a byte[] body, though the body is a publisher of byte[] chunks: Micronaut decides
     * from the route's declared type whether a streamed body is a JSON array of items (Publisher)
     * or raw bytes (byte[]), and these chunks are raw bytes.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static CompletableFuture<HttpResponse<byte[]>> respond(
            ExecutorService executor, MediaType type, Producer producer) {
        StreamedBody body = new StreamedBody();
        CompletableFuture<Object> first = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                producer.produce(body);
                body.put(END);
            } catch (Cancelled gone) {
                // nothing more to do
            } catch (Throwable failure) {
                try {
                    body.put(failure);
                } catch (Cancelled gone) {
                    // nothing more to do
                }
            }
        });
        CompletableFuture.runAsync(
                () -> {
                    try {
                        first.complete(body.queue.take());
                    } catch (InterruptedException e) {
                        first.completeExceptionally(e);
                    }
                },
                Schedulers.boundedElastic()::schedule);
        return first.thenApply(item -> {
            if (item instanceof Throwable failure) {
                body.cancelled = true;
                // The declared body type stays byte chunks (written raw, never as a JSON array of them).
                return (HttpResponse) ApiErrors.response(failure);
            }
            if (item == END) {
                return HttpResponse.ok(new byte[0]).contentType(type);
            }
            Flux<byte[]> rest = Flux.<byte[]>generate(sink -> {
                        try {
                            Object next = body.queue.take();
                            if (next == END) {
                                sink.complete();
                            } else if (next instanceof Throwable failure) {
                                sink.error(failure);
                            } else {
                                sink.next((byte[]) next);
                            }
                        } catch (InterruptedException e) {
                            sink.error(e);
                        }
                    })
                    .subscribeOn(Schedulers.boundedElastic());
            Flux<byte[]> all = Flux.concat(Flux.just((byte[]) item), rest).doOnCancel(() -> body.cancelled = true);
            return (HttpResponse) HttpResponse.ok(all).contentType(type);
        });
    }

    /** Writes a chunk; waits while the reader is behind. */
    void write(String text) {
        put(text.getBytes(StandardCharsets.UTF_8));
    }

    /** @return true when the reader went away */
    boolean isCancelled() {
        return cancelled;
    }

    private void put(Object item) {
        long giveUp = System.nanoTime() + STALLED.toNanos();
        try {
            while (!queue.offer(item, 200, TimeUnit.MILLISECONDS)) {
                // A reader that takes nothing for this long is gone even if no one said so.
                if (cancelled || System.nanoTime() > giveUp) {
                    cancelled = true;
                    throw new Cancelled();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Cancelled();
        }
    }
}
