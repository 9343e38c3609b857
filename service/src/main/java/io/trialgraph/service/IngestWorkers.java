package io.trialgraph.service;

import io.trialgraph.config.IngestConfiguration;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads that commit metric batches: a fixed number ({@code trialgraph.ingest.threads}),
 * however many streams are open. The queue in front of them needs no bound of its own: every
 * batch in it holds its bytes in {@link IngestAdmission}'s budget, and a stream has at most one.
 */
@Singleton
public class IngestWorkers implements Executor {

    private final ThreadPoolExecutor pool;

    IngestWorkers(IngestConfiguration config, BackgroundTasks background) {
        this.pool = new ThreadPoolExecutor(
                config.getThreads(),
                config.getThreads(),
                30,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(),
                background.threads("trialgraph-ingest"));
        // Idle servers keep no ingest threads.
        pool.allowCoreThreadTimeOut(true);
    }

    /** @throws java.util.concurrent.RejectedExecutionException once the service is stopping */
    @Override
    public void execute(Runnable batch) {
        pool.execute(batch);
    }

    /** @return how many threads commit batches at most */
    public int threads() {
        return pool.getMaximumPoolSize();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        pool.shutdown();
        pool.awaitTermination(5, TimeUnit.SECONDS);
    }
}
