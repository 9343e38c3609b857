package io.trialgraph.security;

import io.grpc.netty.GrpcSslContexts;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.trialgraph.config.InvalidConfigurationException;
import io.trialgraph.config.TlsConfiguration;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * The TLS contexts of the gRPC port and the HTTP port, both from the same
 * {@link TlsConfiguration} files, built when the application starts, so a missing file or a key
 * that does not load stops start-up with the setting at fault instead of surfacing at the first
 * handshake.
 */
@Context
public final class ServerTls {

    private static final String CERT_CHAIN = "trialgraph.server.tls.cert-chain (TRIALGRAPH_SERVER_TLS_CERT_CHAIN)";
    private static final String PRIVATE_KEY = "trialgraph.server.tls.private-key (TRIALGRAPH_SERVER_TLS_PRIVATE_KEY)";
    private static final String CLIENT_CA = "trialgraph.server.tls.client-ca (TRIALGRAPH_SERVER_TLS_CLIENT_CA)";
    private static final String CLIENT_AUTH = "trialgraph.server.tls.client-auth (TRIALGRAPH_SERVER_TLS_CLIENT_AUTH)";

    private final SslContext sslContext;
    private final SslContext httpSslContext;
    private final TlsConfiguration.ClientAuth clientAuth;

    ServerTls(TlsConfiguration config, @Nullable @Value("${grpc.server.ssl.cert-chain:}") String micronautCertChain) {
        if (micronautCertChain != null && !micronautCertChain.isBlank()) {
            // micronaut-grpc's own TLS falls back to plain text when it cannot find a file; ours refuses to start.
            throw new InvalidConfigurationException("grpc.server.ssl.cert-chain: not supported by trialgraph; set "
                    + CERT_CHAIN + " and trialgraph.server.tls.private-key instead");
        }
        this.clientAuth = config.clientAuthMode();
        if (!config.isEnabled()) {
            if (!config.getClientCa().isEmpty() || clientAuth != TlsConfiguration.ClientAuth.NONE) {
                throw new InvalidConfigurationException(CERT_CHAIN + ": client certificates need TLS: set it and "
                        + "trialgraph.server.tls.private-key too");
            }
            this.sslContext = null;
            this.httpSslContext = null;
            return;
        }
        if (config.getCertChain().isEmpty()) {
            throw new InvalidConfigurationException(
                    CERT_CHAIN + ": is required with trialgraph.server.tls.private-key");
        }
        if (config.getPrivateKey().isEmpty()) {
            throw new InvalidConfigurationException(
                    PRIVATE_KEY + ": is required with trialgraph.server.tls.cert-chain");
        }
        if (clientAuth != TlsConfiguration.ClientAuth.NONE
                && config.getClientCa().isEmpty()) {
            throw new InvalidConfigurationException(CLIENT_CA + ": is required with client-auth "
                    + clientAuth.name().toLowerCase(Locale.ROOT) + " (the CA that signs client certificates)");
        }
        if (clientAuth == TlsConfiguration.ClientAuth.NONE
                && !config.getClientCa().isEmpty()) {
            throw new InvalidConfigurationException(
                    CLIENT_AUTH + ": is none, so the client CA would be ignored;" + " set it to optional or require");
        }
        Path certChain = certificates(config.getCertChain(), CERT_CHAIN);
        Path privateKey = readable(config.getPrivateKey(), PRIVATE_KEY);
        Path clientCa = config.getClientCa().isEmpty() ? null : certificates(config.getClientCa(), CLIENT_CA);
        this.sslContext = build(certChain, privateKey, clientCa, config, true);
        this.httpSslContext = build(certChain, privateKey, clientCa, config, false);
    }

    /** One context from the checked files: with gRPC's HTTP/2 ALPN and ciphers, or plain for HTTP/1.1. */
    private SslContext build(Path certChain, Path privateKey, Path clientCa, TlsConfiguration config, boolean grpc) {
        SslContextBuilder builder;
        try {
            builder = SslContextBuilder.forServer(
                    certChain.toFile(),
                    privateKey.toFile(),
                    config.getPrivateKeyPassword().isEmpty() ? null : config.getPrivateKeyPassword());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(
                    PRIVATE_KEY + ": cannot load the key in " + privateKey
                            + " (a PEM PKCS#8 key, 'BEGIN PRIVATE KEY'; encrypted ones need trialgraph.server.tls.private-key-password): "
                            + rootMessage(e),
                    e);
        }
        if (clientCa != null) {
            builder.trustManager(clientCa.toFile())
                    .clientAuth(
                            clientAuth == TlsConfiguration.ClientAuth.REQUIRE
                                    ? ClientAuth.REQUIRE
                                    : ClientAuth.OPTIONAL);
        }
        try {
            return (grpc ? GrpcSslContexts.configure(builder) : builder).build();
        } catch (SSLException | RuntimeException e) {
            throw new InvalidConfigurationException(
                    PRIVATE_KEY + ": cannot use the key " + privateKey + " with the certificates " + certChain + ": "
                            + rootMessage(e),
                    e);
        }
    }

    /** @return the gRPC port's TLS context; empty when TLS is off */
    public Optional<SslContext> sslContext() {
        return Optional.ofNullable(sslContext);
    }

    /** @return the HTTP port's TLS context (HTTP/1.1, no ALPN); empty when TLS is off */
    public Optional<SslContext> httpSslContext() {
        return Optional.ofNullable(httpSslContext);
    }

    /** @return how the server asks for client certificates */
    public TlsConfiguration.ClientAuth clientAuth() {
        return clientAuth;
    }

    private static Path readable(String file, String setting) {
        Path path = Path.of(file);
        if (!Files.exists(path)) {
            throw new InvalidConfigurationException(setting + ": " + path + " does not exist");
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new InvalidConfigurationException(setting + ": " + path + " is not a readable file");
        }
        return path;
    }

    /** Checks the file holds PEM certificates, so a mix-up of files is named as such. */
    private static Path certificates(String file, String setting) {
        Path path = readable(file, setting);
        try (InputStream in = Files.newInputStream(path)) {
            if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                throw new InvalidConfigurationException(setting + ": " + path + " holds no PEM certificate");
            }
        } catch (CertificateException e) {
            throw new InvalidConfigurationException(
                    setting + ": " + path + " holds no valid PEM certificate: " + rootMessage(e), e);
        } catch (IOException e) {
            throw new InvalidConfigurationException(setting + ": cannot read " + path + ": " + e.getMessage(), e);
        }
        return path;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
