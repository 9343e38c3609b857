package io.trialgraph.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trialgraph.TrialGraphServer;
import io.trialgraph.testing.TestCertificates;
import io.trialgraph.testing.TestNeo4j;
import io.trialgraph.testing.TestServer;
import io.trialgraph.testing.TrialGraphTest;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line against a server with mutual TLS and tokens: the connection options a person types. */
@TrialGraphTest
class CliSecurityIT {

    @Test
    void mutualTlsAndATokenFromTheCommandLine(TestNeo4j neo4j, @TempDir Path dir) {
        TestCertificates serverCa = TestCertificates.authority(dir, "server-ca");
        TestCertificates serverCertificate = serverCa.issueServer("server");
        TestCertificates clientCa = TestCertificates.authority(dir, "client-ca");
        TestCertificates clientCertificate = clientCa.issueClient("laptop");
        try (TrialGraphServer server = TestServer.dedicated(neo4j, Map.of(
                "trialgraph.server.tls.cert-chain", serverCertificate.certificate().toString(),
                "trialgraph.server.tls.private-key", serverCertificate.privateKey().toString(),
                "trialgraph.server.tls.client-ca", clientCa.certificate().toString(),
                "trialgraph.server.tls.client-auth", "require",
                "trialgraph.auth.enabled", true,
                "trialgraph.auth.tokens", "reader laptop reader-token-0123456789"))) {
            String target = "localhost:" + server.grpcPort();
            Cli.Result ok = Cli.runAsIs("experiments", "list", "--target", target, "--ca-cert", serverCa.certificate().toString(),
                    "--client-cert", clientCertificate.certificate().toString(),
                    "--client-key", clientCertificate.privateKey().toString(), "--token", "reader-token-0123456789");
            assertThat(ok.err()).isEmpty();
            assertThat(ok.exitCode()).isZero();

            Cli.Result noToken = Cli.runAsIs("experiments", "list", "--target", target, "--ca-cert", serverCa.certificate().toString(),
                    "--client-cert", clientCertificate.certificate().toString(),
                    "--client-key", clientCertificate.privateKey().toString());
            assertThat(noToken.exitCode()).isEqualTo(1);
            assertThat(noToken.err()).isEqualTo("error: UNAUTHENTICATED: missing bearer token: send the header"
                    + " 'authorization: Bearer <token>'\n");

            Cli.Result halfCertificate = Cli.runAsIs("experiments", "list", "--target", target,
                    "--ca-cert", serverCa.certificate().toString(), "--client-cert", clientCertificate.certificate().toString());
            assertThat(halfCertificate.exitCode()).isEqualTo(1);
            assertThat(halfCertificate.err()).isEqualTo("error: INVALID_ARGUMENT: --client-cert and --client-key: give both or neither\n");
        }
    }

    @Test
    void aTokenIsNotSentInPlainTextToAnotherMachineUnlessAllowed() {
        Cli.Result refused = Cli.runAsIs("experiments", "list", "--target", "trialgraph.invalid:50051", "--token", "t0123456789abcdef");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).startsWith("error: INVALID_ARGUMENT: token: not sent in plain text to trialgraph.invalid:50051");
        assertThat(refused.err()).doesNotContain("t0123456789abcdef");

        Cli.Result allowed = Cli.runAsIs("experiments", "list", "--target", "trialgraph.invalid:50051", "--token",
                "t0123456789abcdef", "--allow-token-over-plaintext", "--deadline", "2s");
        assertThat(allowed.err()).startsWith("error: UNAVAILABLE: ");   // it tried: nothing listens there
    }
}
