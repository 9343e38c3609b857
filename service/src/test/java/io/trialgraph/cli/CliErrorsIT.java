package io.trialgraph.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** What a person sees when something goes wrong: one line and exit 1 for a failed call, usage and exit 2 for a bad command line. */
@TrialGraphTest
class CliErrorsIT {

    @Test
    void unknownNamesAreOneNotFoundLine(TestServer server) {
        for (String[] args : new String[][] {{"experiments", "show", "nope"}, {"analytics", "nope"}, {"trials", "show", "nope"},
            {"components", "show", "nope"}, {"metrics", "nope", "loss"}, {"lineage", "s3://nowhere/model"}}) {
            Cli.Result result = Cli.run(server, args);
            assertThat(result.exitCode()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(result.out()).isEmpty();
            assertThat(result.err().lines()).as(String.join(" ", args)).singleElement().asString().startsWith("error: NOT_FOUND: ");
        }
        assertThat(Cli.run(server, "experiments", "show", "nope").err())
                .isEqualTo("error: NOT_FOUND: experiment 'nope' does not exist\n");
    }

    @Test
    void refusedRequestsNameTheirStatus(TestServer server) {
        Cli.Result write = Cli.run(server, "cypher", "CREATE (:Experiment {name: 'x'})");
        assertThat(write.exitCode()).isEqualTo(1);
        assertThat(write.err().lines()).singleElement().asString().startsWith("error: PERMISSION_DENIED: ");

        Cli.Result filter = Cli.run(server, "analytics", "some-experiment", "--filter", "params.epochs =");
        assertThat(filter.exitCode()).isEqualTo(1);
        assertThat(filter.err()).startsWith("error: ");
        assertThat(filter.err().lines()).hasSize(1);
    }

    @Test
    void badCommandLinesAreUsageErrors(TestServer server) {
        Cli.Result flag = Cli.run(server, "experiments", "list", "--bogus");
        assertThat(flag.exitCode()).isEqualTo(2);
        assertThat(flag.err()).contains("Unknown option: '--bogus'").contains("Usage: trialgraph experiments list");
        assertThat(flag.out()).isEmpty();

        assertThat(Cli.run(server, "lineage", "x", "--upstream", "--downstream").exitCode()).isEqualTo(2);
        assertThat(Cli.run(server, "components", "list", "--trial", "t", "--experiment", "e").exitCode()).isEqualTo(2);
        assertThat(Cli.run(server, "analytics", "e", "--sort", "name:sideways").err()).contains("asc or desc");
        assertThat(Cli.run(server, "metrics", "plot", "val_acc", "job", "--output", "chart.gif").exitCode()).isEqualTo(2);
        assertThat(Cli.run(server, "experiments", "list", "--format", "dot").exitCode()).isEqualTo(2);
        assertThat(Cli.run(server, "experiments", "list", "--deadline", "soon").exitCode()).isEqualTo(2);
        assertThat(Cli.runAsIs("experiments").exitCode()).isEqualTo(2);
        assertThat(Cli.runAsIs().exitCode()).isEqualTo(2);
        assertThat(Cli.runAsIs("nonsense").exitCode()).isEqualTo(2);

        Cli.Result help = Cli.runAsIs("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("serve", "demo", "experiments", "analytics", "lineage", "metrics", "cypher");
    }

    @Test
    void anUnreachableServerIsOneLineNamingItAndHowToStartOne() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Cli.Result result = Cli.runAsIs("experiments", "list", "--target", "127.0.0.1:" + closedPort);
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err().lines()).singleElement().asString()
                .startsWith("error: UNAVAILABLE: cannot reach trialgraph at 127.0.0.1:" + closedPort)
                .contains("trialgraph serve");

        Cli.Result noCertificate = Cli.runAsIs("experiments", "list", "--target", "127.0.0.1:" + closedPort,
                "--ca-cert", "/nonexistent/ca.pem");
        assertThat(noCertificate.exitCode()).isEqualTo(1);
        assertThat(noCertificate.err().lines()).singleElement().asString()
                .startsWith("error: INVALID_ARGUMENT: tls: cannot read the trust certificates /nonexistent/ca.pem");

        Cli.Result verbose = Cli.runAsIs("experiments", "list", "--target", "127.0.0.1:" + closedPort, "--verbose");
        assertThat(verbose.exitCode()).isEqualTo(1);
        assertThat(verbose.err()).contains("\tat ").contains("error: UNAVAILABLE: cannot reach trialgraph");
    }
}
