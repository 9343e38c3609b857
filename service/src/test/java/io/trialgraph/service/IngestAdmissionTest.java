package io.trialgraph.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.trialgraph.config.IngestConfiguration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IngestAdmissionTest {

    private static final long BUDGET = 1_000_000;
    private static final long MAX_MESSAGE = 400_000;

    private final IngestAdmission admission;
    private final List<String> admitted = new ArrayList<>();

    IngestAdmissionTest() {
        IngestConfiguration config = new IngestConfiguration();
        config.setMaxInFlightBytes(BUDGET);
        admission = new IngestAdmission(config, MAX_MESSAGE, new SimpleMeterRegistry(), new BackgroundTasks());
    }

    @AfterEach
    void stop() {
        admission.stop();
    }

    private IngestAdmission.Ticket request(String name) {
        IngestAdmission.Ticket ticket = admission.open();
        ticket.requestNext(() -> admitted.add(name));
        return ticket;
    }

    @Test
    void aNewStreamReservesTheLargestMessageAndStreamsWaitInTurnWhileTheBudgetIsSpent() {
        IngestAdmission.Ticket a = request("a");
        IngestAdmission.Ticket b = request("b");
        IngestAdmission.Ticket c = request("c");
        assertThat(admitted).containsExactly("a", "b");
        assertThat(admission.inFlightBytes()).isEqualTo(2 * MAX_MESSAGE);
        assertThat(admission.waitingStreams()).isEqualTo(1);

        // a's batch is small: its place shrinks to the batch, and c fits now.
        a.received(50_000);
        assertThat(admitted).containsExactly("a", "b", "c");
        assertThat(admission.inFlightBytes()).isEqualTo(50_000 + 2 * MAX_MESSAGE);

        // a asks for its next batch: it reserves the size of its last one.
        a.done();
        a.requestNext(() -> admitted.add("a again"));
        assertThat(admission.inFlightBytes()).isEqualTo(50_000 + 2 * MAX_MESSAGE);
        b.close();
        c.close();
        a.close();
        assertThat(admission.inFlightBytes()).isZero();
        assertThat(admitted).containsExactly("a", "b", "c", "a again");
    }

    @Test
    void aBatchLargerThanTheWholeBudgetGetsInAlone() {
        IngestConfiguration config = new IngestConfiguration();
        config.setMaxInFlightBytes(100);
        IngestAdmission tiny =
                new IngestAdmission(config, MAX_MESSAGE, new SimpleMeterRegistry(), new BackgroundTasks());
        try {
            List<String> order = new ArrayList<>();
            IngestAdmission.Ticket a = tiny.open();
            a.requestNext(() -> order.add("a"));
            IngestAdmission.Ticket b = tiny.open();
            b.requestNext(() -> order.add("b"));
            assertThat(order).containsExactly("a");
            a.received(300_000);
            a.done();
            assertThat(order).containsExactly("a", "b");
            b.close();
            a.close();
            assertThat(tiny.inFlightBytes()).isZero();
        } finally {
            tiny.stop();
        }
    }

    @Test
    void aClosedStreamLeavesTheQueueAndNeverRuns() {
        IngestAdmission.Ticket a = request("a");
        IngestAdmission.Ticket b = request("b");
        IngestAdmission.Ticket c = request("c");
        c.close();
        a.received(10);
        a.done();
        b.close();
        a.close();
        assertThat(admitted).containsExactly("a", "b");
        assertThat(admission.inFlightBytes()).isZero();
        assertThat(admission.waitingStreams()).isZero();
    }

    @Test
    void aReservationWhoseBatchDoesNotComeIsSetAsideWhileOthersWait() throws InterruptedException {
        IngestAdmission.Ticket quiet1 = request("quiet1");
        IngestAdmission.Ticket quiet2 = request("quiet2");
        CountDownLatch busyAdmitted = new CountDownLatch(1);
        IngestAdmission.Ticket busy = admission.open();
        busy.requestNext(busyAdmitted::countDown);
        assertThat(busyAdmitted.getCount()).isOne();
        // After a second without a batch the quiet reservations stop counting.
        assertThat(busyAdmitted.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(admission.inFlightBytes()).isEqualTo(MAX_MESSAGE);
        // A set-aside stream's batch counts again when it comes, and leaves when it is done.
        quiet1.received(1_000);
        assertThat(admission.inFlightBytes()).isEqualTo(MAX_MESSAGE + 1_000);
        quiet1.done();
        quiet2.close();
        busy.close();
        quiet1.close();
        assertThat(admission.inFlightBytes()).isZero();
    }
}
