package io.trialgraph.service;

import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the service's own threads come from, and who hears when one dies. A background thread
 * that ends with an uncaught failure leaves the process half alive (a health checker that no
 * longer checks, a pool that lost its workers), so every death is logged once and reported to
 * the listeners (the health status goes NOT_SERVING for good, so an orchestrator restarts the
 * process instead of routing calls to it).
 */
@Singleton
public class BackgroundTasks {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundTasks.class);

    private final List<BiConsumer<String, Throwable>> listeners = new CopyOnWriteArrayList<>();
    private volatile String firstDeath;

    /** Calls {@code listener} with the thread's name and the failure whenever a background thread dies. */
    public void onDeath(BiConsumer<String, Throwable> listener) {
        listeners.add(listener);
        String died = firstDeath;
        if (died != null) {
            listener.accept(died, null);
        }
    }

    /** @return the name of the first background thread that died, or null while none has */
    public String firstDeath() {
        return firstDeath;
    }

    /** Reports that {@code thread} ended with {@code failure}; what every thread of {@link #threads} does when it dies. */
    public void died(String thread, Throwable failure) {
        if (firstDeath == null) {
            firstDeath = thread;
        }
        LOG.error("Background thread {} died; health is NOT_SERVING until the process restarts", thread, failure);
        for (BiConsumer<String, Throwable> listener : listeners) {
            listener.accept(thread, failure);
        }
    }

    /** Daemon threads named {@code prefix-1}, {@code prefix-2}, ... whose uncaught failures are reported. */
    public ThreadFactory threads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            thread.setUncaughtExceptionHandler((t, failure) -> died(t.getName(), failure));
            return thread;
        };
    }

    /**
     * A periodic task that reports its own failure: a scheduled executor swallows what a task
     * throws and silently stops running it, so the failure is reported before it is rethrown.
     */
    public Runnable reporting(String name, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error failure) {
                died(name, failure);
                throw failure;
            }
        };
    }
}
