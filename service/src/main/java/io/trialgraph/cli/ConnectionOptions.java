package io.trialgraph.cli;

import io.grpc.Status;
import io.trialgraph.client.TrialGraphClient;
import io.trialgraph.client.TrialGraphException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The options every command takes: where the server is and how to reach it. Each has an
 * environment variable as its default, so a shell can set them once.
 */
public final class ConnectionOptions {

    @Option(names = "--target", paramLabel = "HOST:PORT", defaultValue = "${env:TRIALGRAPH_TARGET:-localhost:50051}",
            description = "Where the server listens (env TRIALGRAPH_TARGET; default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:TRIALGRAPH_TOKEN}",
            description = "Bearer token sent with every call (env TRIALGRAPH_TOKEN).")
    String token;

    @Option(names = "--tls", defaultValue = "${env:TRIALGRAPH_TLS:-false}",
            description = "Connect with TLS, trusting the JVM's certificates (env TRIALGRAPH_TLS=true).")
    boolean tls;

    @Option(names = "--ca-cert", paramLabel = "FILE", defaultValue = "${env:TRIALGRAPH_CA_CERT}",
            description = "Connect with TLS, trusting the certificates in this PEM file (env TRIALGRAPH_CA_CERT).")
    Path caCert;

    @Option(names = "--client-cert", paramLabel = "FILE", defaultValue = "${env:TRIALGRAPH_CLIENT_CERT}",
            description = "Present this PEM client certificate, for a server that requires one (env TRIALGRAPH_CLIENT_CERT).")
    Path clientCert;

    @Option(names = "--client-key", paramLabel = "FILE", defaultValue = "${env:TRIALGRAPH_CLIENT_KEY}",
            description = "The PEM PKCS#8 private key of --client-cert (env TRIALGRAPH_CLIENT_KEY).")
    Path clientKey;

    @Option(names = "--allow-token-over-plaintext", defaultValue = "${env:TRIALGRAPH_ALLOW_TOKEN_OVER_PLAINTEXT:-false}",
            description = "Send the token without TLS to a server on another machine, on a network you trust "
                    + "(env TRIALGRAPH_ALLOW_TOKEN_OVER_PLAINTEXT=true).")
    boolean allowTokenOverPlaintext;

    @Option(names = "--deadline", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long one call may take, e.g. 500ms, 30s, 2m (default: ${DEFAULT-VALUE}).")
    Duration deadline;

    @Option(names = {"-v", "--verbose"}, description = "Print the whole failure (stack trace) on errors.")
    boolean verbose;

    /** @return a client for the chosen server; the connection is made on the first call */
    TrialGraphClient connect() {
        TrialGraphClient.Builder builder = TrialGraphClient.builder().target(target).deadline(deadline).token(token);
        if (caCert != null) {
            builder.tls(caCert);
        } else if (tls) {
            builder.tls();
        } else if (clientCert == null) {
            builder.plaintext();
        }
        if (clientCert != null || clientKey != null) {
            if (clientCert == null || clientKey == null) {
                throw new TrialGraphException(Status.Code.INVALID_ARGUMENT, "--client-cert and --client-key: give both or neither");
            }
            // A client certificate means TLS (with the JVM's trusted certificates unless --ca-cert says otherwise).
            builder.clientCertificate(clientCert, clientKey);
        }
        if (allowTokenOverPlaintext) {
            builder.allowTokenOverPlaintext();
        }
        return builder.build();
    }

    /** Reads {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h} or an ISO 8601 duration ({@code PT30S}). */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String text = value.strip().toLowerCase(java.util.Locale.ROOT);
            try {
                if (text.startsWith("p")) {
                    return check(Duration.parse(value.strip()));
                }
                if (text.endsWith("ms")) {
                    return check(Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2))));
                }
                long amount = Long.parseLong(text.substring(0, text.length() - 1));
                switch (text.charAt(text.length() - 1)) {
                    case 's':
                        return check(Duration.ofSeconds(amount));
                    case 'm':
                        return check(Duration.ofMinutes(amount));
                    case 'h':
                        return check(Duration.ofHours(amount));
                    default:
                        break;
                }
            } catch (RuntimeException notADuration) {
                // reported below
            }
            throw new TypeConversionException("'" + value + "' is not a duration (e.g. 500ms, 30s, 2m)");
        }

        private static Duration check(Duration duration) {
            if (duration.isNegative() || duration.isZero()) {
                throw new TypeConversionException("must be positive");
            }
            return duration;
        }
    }
}
