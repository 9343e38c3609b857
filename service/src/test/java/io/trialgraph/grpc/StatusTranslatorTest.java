package io.trialgraph.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.trialgraph.domain.ResourceExhaustedException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.exceptions.ClientException;
import org.neo4j.driver.exceptions.TransientException;

class StatusTranslatorTest {

    @Test
    void neo4jsMemoryGuardIsResourceExhaustedNotRetryLater() {
        for (String code : new String[] {
            "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
            "Neo.TransientError.General.TransactionOutOfMemoryError"
        }) {
            Status status = StatusTranslator.toStatus(
                    new TransientException(code, "The allocation of an extra 2.0 MiB would use more than the limit"));
            assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(status.getDescription()).contains("more memory").doesNotContain("retry later");
        }
        assertThat(StatusTranslator.toStatus(
                                new TransientException("Neo.TransientError.Transaction.DeadlockDetected", "deadlock"))
                        .getCode())
                .isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void aFullConnectionPoolIsUnavailableWithARetryHint() {
        ClientException full = new ClientException(
                "Unable to acquire connection from the pool within configured maximum time of 60000ms");
        Status status = StatusTranslator.toStatus(full);
        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(status.getDescription())
                .contains("neo4j.max-connection-pool-size")
                .contains("retry");
        assertThat(StatusTranslator.trailers(full).get(StatusTranslator.RETRY_PUSHBACK))
                .isEqualTo("1000");
    }

    @Test
    void aBusyShareCarriesItsRetryHint() {
        ResourceExhaustedException busy = new ResourceExhaustedException("all busy", Duration.ofMillis(1500));
        assertThat(StatusTranslator.toStatus(busy).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(StatusTranslator.trailers(busy).get(StatusTranslator.RETRY_PUSHBACK))
                .isEqualTo("1500");
        assertThat(StatusTranslator.trailers(new ResourceExhaustedException("too many rows"))
                        .keys())
                .isEmpty();
    }
}
