package io.trialgraph.http;

import io.micronaut.core.annotation.Nullable;
import io.trialgraph.config.HttpConfiguration;
import io.trialgraph.domain.PermissionDeniedException;
import io.trialgraph.rules.Quote;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The host names the HTTP port answers to. A web page the user visits can make its own domain name
 * resolve to 127.0.0.1 (DNS rebinding) and then read and write this loopback port as its own
 * origin, tokens or not in the way: the browser still sends the page's name in {@code Host}. So a
 * port bound to loopback answers only requests addressed to a loopback name ({@code localhost},
 * {@code 127.x.x.x}, {@code [::1]}) unless {@code trialgraph.http.allowed-hosts} lists others; a
 * port bound beyond loopback answers any name unless the list is set (TLS and tokens guard it).
 */
@Singleton
public final class AllowedHosts {

    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "::1");
    private static final Pattern LOOPBACK_IPV4 = Pattern.compile("127(\\.\\d{1,3}){3}");

    private final Set<String> listed;
    private final boolean loopbackOnly;

    AllowedHosts(HttpConfiguration config) {
        this.listed = config.getAllowedHosts().stream()
                .map(name -> name.trim().toLowerCase(Locale.ROOT))
                .filter(name -> !name.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        this.loopbackOnly = listed.isEmpty() && isLoopback(config.getHost());
    }

    /**
     * @param hostHeader the request's {@code Host} header (a name, with or without a port)
     * @throws PermissionDeniedException when the port does not answer to that name
     */
    public void check(@Nullable String hostHeader) {
        if (!loopbackOnly && listed.isEmpty()) {
            return;
        }
        String name = hostName(hostHeader == null ? "" : hostHeader.trim()).toLowerCase(Locale.ROOT);
        boolean allowed = listed.isEmpty()
                ? LOOPBACK_NAMES.contains(name) || LOOPBACK_IPV4.matcher(name).matches()
                : listed.contains(name) || listed.contains("*");
        if (!allowed) {
            throw new PermissionDeniedException("Host: " + Quote.of(name) + " is not a name this HTTP port answers to; "
                    + (listed.isEmpty()
                            ? "bound to loopback it answers localhost, 127.0.0.1 and [::1] only (a web page may"
                                    + " point its own name at this machine), "
                            : "")
                    + "list the names clients use in trialgraph.http.allowed-hosts (TRIALGRAPH_HTTP_ALLOWED_HOSTS)");
        }
    }

    /** The name without its port: {@code [::1]:8080} is {@code ::1}, {@code localhost:8080} is {@code localhost}. */
    static String hostName(String header) {
        if (header.startsWith("[")) {
            int end = header.indexOf(']');
            return end < 0 ? header : header.substring(1, end);
        }
        int colon = header.lastIndexOf(':');
        return colon < 0 || header.indexOf(':') != colon ? header : header.substring(0, colon);
    }

    private static boolean isLoopback(String bindHost) {
        try {
            return InetAddress.getByName(bindHost).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
