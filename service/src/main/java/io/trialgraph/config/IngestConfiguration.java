package io.trialgraph.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.convert.format.ReadableBytes;

/**
 * How much metric ingest the service takes on at once, whatever the number of writers: a fixed
 * number of threads commit batches, and a byte budget bounds the batches received and not yet
 * committed (streams wait before reading their next batch while it is spent).
 */
@ConfigurationProperties("trialgraph.ingest")
public class IngestConfiguration {

    private int threads = 8;
    private long maxInFlightBytes = 64L * 1024 * 1024;

    /**
     * @return how many batches are committed to Neo4j at once, by that many threads, however many
     *     streams are open; default 8
     */
    public int getThreads() {
        return threads;
    }

    public void setThreads(int threads) {
        if (threads < 1 || threads > 256) {
            throw new InvalidConfigurationException(
                    "trialgraph.ingest.threads (TRIALGRAPH_INGEST_THREADS): " + "must be 1 to 256, is " + threads);
        }
        this.threads = threads;
    }

    /**
     * @return bytes of metric batches (as received) that may be held between arrival and
     *     acknowledgement, all streams together; default 64 MiB (accepts {@code 64MB}, {@code 1GB})
     */
    public long getMaxInFlightBytes() {
        return maxInFlightBytes;
    }

    public void setMaxInFlightBytes(@ReadableBytes long maxInFlightBytes) {
        if (maxInFlightBytes < 1) {
            throw new InvalidConfigurationException(
                    "trialgraph.ingest.max-in-flight-bytes (TRIALGRAPH_INGEST_MAX_IN_FLIGHT_BYTES): "
                            + "must be positive, is " + maxInFlightBytes);
        }
        this.maxInFlightBytes = maxInFlightBytes;
    }
}
