package io.trialgraph.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.trialgraph.api.v1.Artifact;
import io.trialgraph.api.v1.ArtifactServiceGrpc;
import io.trialgraph.api.v1.CreateArtifactRequest;
import io.trialgraph.api.v1.CreateExperimentRequest;
import io.trialgraph.api.v1.CreateTrialComponentRequest;
import io.trialgraph.api.v1.CreateTrialRequest;
import io.trialgraph.api.v1.Experiment;
import io.trialgraph.api.v1.ExperimentServiceGrpc;
import io.trialgraph.api.v1.IngestMetricsRequest;
import io.trialgraph.api.v1.MetricSeries;
import io.trialgraph.api.v1.Trial;
import io.trialgraph.api.v1.TrialComponent;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.api.v1.TrialServiceGrpc;
import io.trialgraph.testing.IngestStream;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.neo4j.driver.Record;

/**
 * 1,200 generated requests across every RPC: random bytes, well-formed messages with hostile
 * values (empty, huge, control characters, extremes, NaN, unknown enum numbers), plausible
 * requests (names of things that exist, small numbers) with one field made hostile, and hostile
 * messages with bytes flipped, cut, inserted or repeated. None may end INTERNAL or UNKNOWN, none
 * that fails may change the graph, and the server keeps serving. {@code -Dfuzz.seed=N} replays a
 * run (the seed is printed).
 */
@TrialGraphTest
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class FuzzIT {

    private static final int REQUESTS = 1_200;
    private static final List<Status.Code> NEVER =
            List.of(Status.Code.INTERNAL, Status.Code.UNKNOWN, Status.Code.UNIMPLEMENTED, Status.Code.DATA_LOSS);
    private static final List<String> NAMES = List.of(
            "fuzz-exp",
            "fuzz-trial",
            "fuzz-job",
            "s3://fuzz/data",
            "loss",
            "fuzz-writer",
            "name",
            "params.lr",
            "metrics.loss.last");

    @Test
    void generatedRequestsNeverEndInternalOrUnknownAndNeverWriteHalfway(TestServer server) {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("FuzzIT seed " + seed + " (-Dfuzz.seed=" + seed + " replays it)");
        Random random = new Random(seed);
        fixture(server);
        List<Map.Entry<MethodDescriptor<?, ?>, Descriptors.Descriptor>> methods =
                new ArrayList<>(MalformedRequestIT.methods().entrySet());
        Map<String, Map<Status.Code, Integer>> outcomes = new TreeMap<>();
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            var method = methods.get(i % methods.size());
            String kind;
            byte[] request;
            switch (random.nextInt(4)) {
                case 0 -> {
                    kind = "random bytes";
                    request = new byte[random.nextInt(48)];
                    random.nextBytes(request);
                }
                case 1 -> {
                    kind = "hostile values";
                    request = message(method.getValue(), random, 0).toByteArray();
                }
                case 2 -> {
                    kind = "one field mutated";
                    request = oneFieldMutated(method.getValue(), random).toByteArray();
                }
                default -> {
                    kind = "mutated bytes";
                    request = mutate(message(method.getValue(), random, 0).toByteArray(), random);
                }
            }
            Graph before = graph(server);
            RawCalls.Outcome outcome = RawCalls.call(server.channel(), method.getKey(), request, 30);
            Status status = outcome.status();
            outcomes.computeIfAbsent(method.getKey().getFullMethodName(), k -> new TreeMap<>())
                    .merge(status.getCode(), 1, Integer::sum);
            if (NEVER.contains(status.getCode())) {
                wrong.add(method.getKey().getFullMethodName() + " (" + kind + ", request " + i + "): " + status);
            } else if (!status.isOk() && !graph(server).equals(before)) {
                wrong.add(method.getKey().getFullMethodName() + " (" + kind + ", request " + i + ") failed with "
                        + status + " but changed the graph: " + before + " -> " + graph(server));
            }
            if (i % 100 == 99) {
                RawCalls.assertServing(server.channel());
            }
        }
        outcomes.forEach((method, codes) -> System.out.println(method + " " + codes));
        assertThat(wrong).as("requests that ended badly (seed %d)", seed).isEmpty();
        RawCalls.assertServing(server.channel());
    }

    /** Nodes, relationships and properties: a failed request must leave all three as they were. */
    private record Graph(long nodes, long relationships, long properties) {}

    private static Graph graph(TestServer server) {
        Record row = server.single("""
                CALL () { MATCH (n) RETURN count(n) AS nodes, sum(size(keys(n))) AS nodeProperties }
                CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships, sum(size(keys(r))) AS relationshipProperties }
                RETURN nodes, relationships, nodeProperties + relationshipProperties AS properties""");
        return new Graph(
                row.get("nodes").asLong(),
                row.get("relationships").asLong(),
                row.get("properties").asLong());
    }

    /** A little graph with the names the generator likes to use, so requests reach past "not found". */
    private static void fixture(TestServer server) {
        ExperimentServiceGrpc.newBlockingStub(server.channel())
                .createExperiment(CreateExperimentRequest.newBuilder()
                        .setExperiment(Experiment.newBuilder().setName("fuzz-exp"))
                        .build());
        TrialServiceGrpc.newBlockingStub(server.channel())
                .createTrial(CreateTrialRequest.newBuilder()
                        .setTrial(Trial.newBuilder().setName("fuzz-trial").setExperimentName("fuzz-exp"))
                        .build());
        TrialComponentServiceGrpc.newBlockingStub(server.channel())
                .createTrialComponent(CreateTrialComponentRequest.newBuilder()
                        .setTrialComponent(TrialComponent.newBuilder()
                                .setName("fuzz-job")
                                .setKind("training")
                                .addTrialNames("fuzz-trial"))
                        .build());
        ArtifactServiceGrpc.newBlockingStub(server.channel())
                .createArtifact(CreateArtifactRequest.newBuilder()
                        .setArtifact(Artifact.newBuilder().setUri("s3://fuzz/data"))
                        .build());
        IngestStream stream = IngestStream.open(server.channel());
        stream.sendAndAwait(IngestMetricsRequest.newBuilder()
                .setWriterId("fuzz-fixture")
                .setSequence(1)
                .addSeries(MetricSeries.newBuilder()
                        .setTrialComponentName("fuzz-job")
                        .setMetricName("loss")
                        .addSteps(1)
                        .addSteps(2)
                        .addValues(0.5)
                        .addValues(0.25))
                .build());
        stream.complete();
    }

    /** A well-formed message of the type, fields set at random to values a careless or hostile client might send. */
    static DynamicMessage message(Descriptors.Descriptor type, Random random, int depth) {
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
        for (Descriptors.FieldDescriptor field : type.getFields()) {
            if (random.nextInt(10) < 4) {
                continue;
            }
            if (field.isRepeated()) {
                int count = random.nextInt(20) == 0 ? 50 + random.nextInt(300) : random.nextInt(4);
                for (int i = 0; i < count; i++) {
                    Object value = value(field, random, depth);
                    if (value != null) {
                        builder.addRepeatedField(field, value);
                    }
                }
            } else {
                Object value = value(field, random, depth);
                if (value != null) {
                    builder.setField(field, value);
                }
            }
        }
        return builder.build();
    }

    /** A plausible request (names that exist, small numbers) with one of its fields set to a hostile value. */
    static DynamicMessage oneFieldMutated(Descriptors.Descriptor type, Random random) {
        DynamicMessage.Builder builder = plausible(type, random, 0).toBuilder();
        List<Descriptors.FieldDescriptor> fields = type.getFields();
        if (!fields.isEmpty()) {
            Descriptors.FieldDescriptor field = fields.get(random.nextInt(fields.size()));
            builder.clearField(field);
            Object value = value(field, random, 0);
            if (value != null) {
                if (field.isRepeated()) {
                    builder.addRepeatedField(field, value);
                } else {
                    builder.setField(field, value);
                }
            }
        }
        return builder.build();
    }

    private static DynamicMessage plausible(Descriptors.Descriptor type, Random random, int depth) {
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
        for (Descriptors.FieldDescriptor field : type.getFields()) {
            if (random.nextInt(10) < 3
                    || (field.getJavaType() == Descriptors.FieldDescriptor.JavaType.MESSAGE && depth >= 3)) {
                continue;
            }
            int count = field.isRepeated() ? 1 + random.nextInt(2) : 1;
            for (int i = 0; i < count; i++) {
                Object value = switch (field.getJavaType()) {
                    case STRING -> NAMES.get(random.nextInt(NAMES.size()));
                    case INT -> random.nextInt(100);
                    case LONG -> (long) random.nextInt(100);
                    case DOUBLE -> random.nextDouble();
                    case FLOAT -> random.nextFloat();
                    case BOOLEAN -> random.nextBoolean();
                    case BYTE_STRING -> ByteString.copyFromUtf8("x");
                    case ENUM ->
                        field.getEnumType()
                                .getValues()
                                .get(random.nextInt(
                                        field.getEnumType().getValues().size()));
                    case MESSAGE -> plausible(field.getMessageType(), random, depth + 1);
                };
                if (field.isRepeated()) {
                    builder.addRepeatedField(field, value);
                } else {
                    builder.setField(field, value);
                }
            }
        }
        return builder.build();
    }

    private static Object value(Descriptors.FieldDescriptor field, Random random, int depth) {
        return switch (field.getJavaType()) {
            case STRING -> text(random);
            case INT ->
                switch (random.nextInt(6)) {
                    case 0 -> 0;
                    case 1 -> -1;
                    case 2 -> Integer.MAX_VALUE;
                    case 3 -> Integer.MIN_VALUE;
                    default -> random.nextInt(2_000) - 100;
                };
            case LONG ->
                switch (random.nextInt(6)) {
                    case 0 -> 0L;
                    case 1 -> -1L;
                    case 2 -> Long.MAX_VALUE;
                    case 3 -> Long.MIN_VALUE;
                    default -> (long) random.nextInt(10_000) - 100;
                };
            case DOUBLE ->
                switch (random.nextInt(6)) {
                    case 0 -> Double.NaN;
                    case 1 -> Double.POSITIVE_INFINITY;
                    case 2 -> -0.0;
                    case 3 -> Double.MAX_VALUE;
                    default -> random.nextGaussian() * 100;
                };
            case FLOAT -> random.nextFloat();
            case BOOLEAN -> random.nextBoolean();
            case BYTE_STRING -> {
                byte[] bytes = new byte[random.nextInt(32)];
                random.nextBytes(bytes);
                yield ByteString.copyFrom(bytes);
            }
            case ENUM -> {
                List<Descriptors.EnumValueDescriptor> values =
                        field.getEnumType().getValues();
                yield random.nextInt(5) == 0
                        ? field.getEnumType().findValueByNumberCreatingIfUnknown(1_000 + random.nextInt(100))
                        : values.get(random.nextInt(values.size()));
            }
            case MESSAGE -> depth >= 4 ? null : message(field.getMessageType(), random, depth + 1);
        };
    }

    private static String text(Random random) {
        return switch (random.nextInt(12)) {
            case 0 -> "";
            case 1, 2, 3 -> NAMES.get(random.nextInt(NAMES.size()));
            case 4 -> "x".repeat(1 + random.nextInt(30_000));
            case 5 -> "\u0000\u0007\t\n\r\u007f";
            case 6 -> "😀".repeat(1 + random.nextInt(300));
            case 7 -> "') DETACH DELETE n //";
            case 8 -> "((((((((((((((((((((((((((((((((((((((((";
            case 9 -> "name = \"a\" AND NOT NOT NOT metrics.loss.last > 1e309 OR params.x IN (1, 'b', true)";
            case 10 -> "%s%n%%$x`{}";
            default -> {
                StringBuilder text = new StringBuilder();
                for (int i = random.nextInt(20); i > 0; i--) {
                    text.appendCodePoint(random.nextInt(3) == 0 ? random.nextInt(0x3000) : 'a' + random.nextInt(26));
                }
                yield text.toString();
            }
        };
    }

    /** The bytes with one random edit: a flipped byte, a cut, an inserted byte or a repeated slice. */
    static byte[] mutate(byte[] bytes, Random random) {
        if (bytes.length == 0) {
            return new byte[] {(byte) random.nextInt(256)};
        }
        int at = random.nextInt(bytes.length);
        return switch (random.nextInt(4)) {
            case 0 -> {
                byte[] flipped = bytes.clone();
                flipped[at] ^= (byte) (1 << random.nextInt(8));
                yield flipped;
            }
            case 1 -> java.util.Arrays.copyOf(bytes, at);
            case 2 -> {
                byte[] inserted = new byte[bytes.length + 1];
                System.arraycopy(bytes, 0, inserted, 0, at);
                inserted[at] = (byte) random.nextInt(256);
                System.arraycopy(bytes, at, inserted, at + 1, bytes.length - at);
                yield inserted;
            }
            default -> {
                int length = 1 + random.nextInt(Math.min(16, bytes.length - at));
                byte[] repeated = new byte[bytes.length + length];
                System.arraycopy(bytes, 0, repeated, 0, at + length);
                System.arraycopy(bytes, at, repeated, at + length, bytes.length - at);
                yield repeated;
            }
        };
    }
}
