package io.trialgraph.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.util.ArrayList;
import java.util.List;

/**
 * Bearer-token authentication of gRPC calls. Off by default (one user on one machine); when on,
 * every call but health checking and reflection needs {@code authorization: Bearer <token>}
 * with a known token, whose role decides what it may call. Tokens come from a file
 * ({@code token-file}) and/or the configuration itself ({@code tokens}), both in the format
 * the README describes: one {@code <role> <name> <token>} entry per line.
 */
@ConfigurationProperties("trialgraph.auth")
public class AuthConfiguration {

    private boolean enabled;
    private String tokenFile = "";
    private List<String> tokens = new ArrayList<>();

    /** @return whether calls need a bearer token; default false */
    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** @return the file of token entries, one per line; empty (the default): none */
    public String getTokenFile() {
        return tokenFile;
    }

    public void setTokenFile(String tokenFile) {
        this.tokenFile = tokenFile == null ? "" : tokenFile.trim();
    }

    /** @return token entries given in the configuration, each {@code <role> <name> <token>}; default none */
    public List<String> getTokens() {
        return tokens;
    }

    public void setTokens(List<String> tokens) {
        this.tokens = tokens == null ? new ArrayList<>() : new ArrayList<>(tokens);
    }
}
