package io.trialgraph.store;

import io.trialgraph.domain.MetricPoints;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The byte layout of metric points in the graph ({@code MetricChunk.points}, {@code Metric.tail}).
 *
 * <p>Why bytes and not three Neo4j arrays: Bolt carries a byte array as one block and Neo4j
 * stores it without per-element work, while a {@code long[]} travels as a list of boxed numbers
 * and is bit-packed element by element. Measured with the ingest benchmark, the byte layout
 * roughly doubles durable ingest and halves the bytes on disk (see README, "Benchmarks").
 *
 * <p>Layout, format 1: one byte {@code 1}; the point count as an unsigned LEB128 varint; the
 * steps as zig-zag varints, the first absolute and each next one as the difference to the
 * previous; the timestamps (epoch milliseconds) the same way; then each value as 8 bytes, the
 * big-endian IEEE 754 bits (NaN and infinities kept exactly). Training steps and timestamps grow
 * by small amounts, so they take one or two bytes a point.
 */
public final class PointCodec {

    static final byte FORMAT = 1;

    private PointCodec() {
    }

    public static byte[] encode(MetricPoints points) {
        int n = points.size();
        ByteBuffer buffer = ByteBuffer.allocate(1 + 5 + n * (10 + 10 + 8));
        buffer.put(FORMAT);
        putUnsigned(buffer, n);
        long previous = 0;
        for (int i = 0; i < n; i++) {
            putSigned(buffer, points.step(i) - previous);
            previous = points.step(i);
        }
        previous = 0;
        for (int i = 0; i < n; i++) {
            putSigned(buffer, points.timestamp(i) - previous);
            previous = points.timestamp(i);
        }
        for (int i = 0; i < n; i++) {
            buffer.putLong(Double.doubleToRawLongBits(points.value(i)));
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    /** @throws IllegalArgumentException when the bytes are not in a known format */
    public static MetricPoints decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return MetricPoints.empty();
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        byte format = buffer.get();
        if (format != FORMAT) {
            throw new IllegalArgumentException("unknown metric point format " + format);
        }
        int n = (int) getUnsigned(buffer);
        long[] steps = new long[n];
        long[] timestamps = new long[n];
        double[] values = new double[n];
        long previous = 0;
        for (int i = 0; i < n; i++) {
            previous += getSigned(buffer);
            steps[i] = previous;
        }
        previous = 0;
        for (int i = 0; i < n; i++) {
            previous += getSigned(buffer);
            timestamps[i] = previous;
        }
        for (int i = 0; i < n; i++) {
            values[i] = Double.longBitsToDouble(buffer.getLong());
        }
        return new MetricPoints(steps, values, timestamps);
    }

    private static void putSigned(ByteBuffer buffer, long value) {
        putUnsigned(buffer, (value << 1) ^ (value >> 63));
    }

    private static void putUnsigned(ByteBuffer buffer, long value) {
        while ((value & ~0x7FL) != 0) {
            buffer.put((byte) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        buffer.put((byte) value);
    }

    private static long getSigned(ByteBuffer buffer) {
        long raw = getUnsigned(buffer);
        return (raw >>> 1) ^ -(raw & 1);
    }

    private static long getUnsigned(ByteBuffer buffer) {
        long result = 0;
        int shift = 0;
        while (true) {
            byte b = buffer.get();
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
            shift += 7;
        }
    }
}
