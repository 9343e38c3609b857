package io.trialgraph.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.trialgraph.api.v1.AnalyticsServiceGrpc;
import io.trialgraph.api.v1.ArtifactServiceGrpc;
import io.trialgraph.api.v1.ExperimentServiceGrpc;
import io.trialgraph.api.v1.LineageServiceGrpc;
import io.trialgraph.api.v1.MetricServiceGrpc;
import io.trialgraph.api.v1.QueryServiceGrpc;
import io.trialgraph.api.v1.ServerServiceGrpc;
import io.trialgraph.api.v1.TrialComponentServiceGrpc;
import io.trialgraph.api.v1.TrialServiceGrpc;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Request bytes that are not a valid message, on every RPC of every service: each is
 * INVALID_ARGUMENT saying so (never UNKNOWN), nothing is written, and the server keeps serving.
 */
@TrialGraphTest
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MalformedRequestIT {

    static final List<ServiceDescriptor> SERVICES = List.of(
            ExperimentServiceGrpc.getServiceDescriptor(),
            TrialServiceGrpc.getServiceDescriptor(),
            TrialComponentServiceGrpc.getServiceDescriptor(),
            ArtifactServiceGrpc.getServiceDescriptor(),
            MetricServiceGrpc.getServiceDescriptor(),
            LineageServiceGrpc.getServiceDescriptor(),
            AnalyticsServiceGrpc.getServiceDescriptor(),
            QueryServiceGrpc.getServiceDescriptor(),
            ServerServiceGrpc.getServiceDescriptor());

    /** Every method of the API, with the descriptor of its request message. */
    static Map<MethodDescriptor<?, ?>, Descriptors.Descriptor> methods() {
        Map<MethodDescriptor<?, ?>, Descriptors.Descriptor> methods = new LinkedHashMap<>();
        for (ServiceDescriptor service : SERVICES) {
            for (MethodDescriptor<?, ?> method : service.getMethods()) {
                Message prototype = (Message)
                        ((MethodDescriptor.PrototypeMarshaller<?>) method.getRequestMarshaller()).getMessagePrototype();
                methods.put(method, prototype.getDescriptorForType());
            }
        }
        return methods;
    }

    @Test
    void everyRpcRefusesMalformedBytesWithInvalidArgument(TestServer server) throws IOException {
        long nodes = server.count("MATCH (n) RETURN count(n)");
        List<String> wrong = new ArrayList<>();
        int calls = 0;
        for (Map.Entry<MethodDescriptor<?, ?>, Descriptors.Descriptor> entry :
                methods().entrySet()) {
            for (Map.Entry<String, byte[]> malformed :
                    malformed(entry.getValue()).entrySet()) {
                RawCalls.Outcome outcome = RawCalls.call(server.channel(), entry.getKey(), malformed.getValue(), 30);
                calls++;
                Status status = outcome.status();
                if (status.getCode() != Status.Code.INVALID_ARGUMENT
                        || !status.getDescription().startsWith("the request is not a valid protobuf message")) {
                    wrong.add(entry.getKey().getFullMethodName() + " with " + malformed.getKey() + ": " + status);
                }
            }
        }
        assertThat(wrong).as("calls that did not end INVALID_ARGUMENT").isEmpty();
        assertThat(calls).isGreaterThan(4 * 30);
        assertThat(server.count("MATCH (n) RETURN count(n)")).as("nodes").isEqualTo(nodes);
        RawCalls.assertServing(server.channel());
    }

    @Test
    void queryParametersNestedPastTheRecursionLimitAreInvalidArgument(TestServer server) throws IOException {
        // parameters {"p": [[[...]]]} 150 lists deep: a CypherValue holding a CypherList holding a CypherValue ...
        ByteString value = ByteString.EMPTY;
        for (int depth = 0; depth < 150; depth++) {
            ByteString list = field(1, value); // CypherList.values
            value = field(7, list); // CypherValue.list_value
        }
        ByteString entry = field(1, ByteString.copyFromUtf8("p")).concat(field(2, value));
        byte[] request = field(1, ByteString.copyFromUtf8("RETURN $p"))
                .concat(field(2, entry))
                .toByteArray();
        RawCalls.Outcome outcome = RawCalls.call(server.channel(), QueryServiceGrpc.getRunQueryMethod(), request, 30);
        assertThat(outcome.status().getCode()).as(outcome.status().toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(outcome.status().getDescription()).contains("nesting");
        RawCalls.assertServing(server.channel());
    }

    /** The four kinds of malformed bytes; invalid UTF-8 only where the message has a string field to put it in. */
    static Map<String, byte[]> malformed(Descriptors.Descriptor request) throws IOException {
        Map<String, byte[]> cases = new LinkedHashMap<>();
        cases.put("a truncated varint", new byte[] {0x08, (byte) 0xff});
        cases.put("a length past the end", new byte[] {0x0a, 0x7f, 'a', 'b'});
        ByteArrayOutputStream nested = new ByteArrayOutputStream();
        for (int i = 0; i < 150; i++) {
            nested.write(0x7b); // field 15, start group: unknown fields nested past the recursion limit of 100
        }
        for (int i = 0; i < 150; i++) {
            nested.write(0x7c);
        }
        cases.put("unknown groups nested 150 deep", nested.toByteArray());
        for (Descriptors.FieldDescriptor field : request.getFields()) {
            if (field.getType() == Descriptors.FieldDescriptor.Type.STRING) {
                cases.put(
                        "invalid UTF-8 in " + field.getName(),
                        field(field.getNumber(), ByteString.copyFrom(new byte[] {'o', 'k', (byte) 0xc3, 0x28}))
                                .toByteArray());
                break;
            }
        }
        return cases;
    }

    /** A length-delimited field. */
    static ByteString field(int number, ByteString content) throws IOException {
        ByteString.Output out = ByteString.newOutput();
        CodedOutputStream coded = CodedOutputStream.newInstance(out);
        coded.writeBytes(number, content);
        coded.flush();
        return out.toByteString();
    }
}
