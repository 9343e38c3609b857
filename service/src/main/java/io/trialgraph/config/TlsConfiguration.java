package io.trialgraph.config;

import io.micronaut.context.annotation.ConfigurationProperties;

/**
 * TLS on the gRPC port. Off unless a certificate chain is set: then the port speaks only TLS.
 * With a client CA and {@code client-auth} other than {@code none} it is mutual TLS: clients
 * present a certificate signed by that CA. Files are PEM; the private key is PKCS#8
 * ({@code BEGIN PRIVATE KEY}, what {@code openssl genpkey} writes), optionally encrypted.
 * Every setting can come from the environment: {@code TRIALGRAPH_SERVER_TLS_CERT_CHAIN}, ...
 */
@ConfigurationProperties("trialgraph.server.tls")
public class TlsConfiguration {

    /** Whether, and how strictly, the server asks clients for a certificate. */
    public enum ClientAuth {
        /** Clients present no certificate. */
        NONE,
        /**
         * The server asks for a certificate but also serves clients without one (the JDK treats a
         * certificate it cannot verify like none): for a rollout of client certificates.
         */
        OPTIONAL,
        /** Every client must present a certificate that verifies against the client CA. */
        REQUIRE
    }

    private String certChain = "";
    private String privateKey = "";
    private String privateKeyPassword = "";
    private String clientCa = "";
    private String clientAuth = "none";

    /** @return the PEM file of the server's certificate chain (its certificate first); empty (the default): no TLS */
    public String getCertChain() {
        return certChain;
    }

    public void setCertChain(String certChain) {
        this.certChain = trim(certChain);
    }

    /** @return the PEM file of the server's PKCS#8 private key; required with a certificate chain */
    public String getPrivateKey() {
        return privateKey;
    }

    public void setPrivateKey(String privateKey) {
        this.privateKey = trim(privateKey);
    }

    /** @return the password of an encrypted private key; empty (the default): the key is not encrypted */
    public String getPrivateKeyPassword() {
        return privateKeyPassword;
    }

    public void setPrivateKeyPassword(String privateKeyPassword) {
        this.privateKeyPassword = privateKeyPassword == null ? "" : privateKeyPassword;
    }

    /** @return the PEM file of the CA certificates client certificates must be signed by; empty (the default): none */
    public String getClientCa() {
        return clientCa;
    }

    public void setClientCa(String clientCa) {
        this.clientCa = trim(clientCa);
    }

    /** @return {@code none} (the default), {@code optional} or {@code require}, as written in the configuration */
    public String getClientAuth() {
        return clientAuth;
    }

    public void setClientAuth(String clientAuth) {
        this.clientAuth = trim(clientAuth);
    }

    /** @return true when TLS is configured (a certificate chain or a private key is set) */
    public boolean isEnabled() {
        return !certChain.isEmpty() || !privateKey.isEmpty();
    }

    /**
     * @return the client authentication mode
     * @throws InvalidConfigurationException when the setting is none of the three
     */
    public ClientAuth clientAuthMode() {
        for (ClientAuth mode : ClientAuth.values()) {
            if (mode.name().equalsIgnoreCase(clientAuth)) {
                return mode;
            }
        }
        throw new InvalidConfigurationException("trialgraph.server.tls.client-auth (TRIALGRAPH_SERVER_TLS_CLIENT_AUTH): '"
                + clientAuth + "' is not one of none, optional, require");
    }

    private static String trim(String value) {
        return value == null ? "" : value.trim();
    }
}
