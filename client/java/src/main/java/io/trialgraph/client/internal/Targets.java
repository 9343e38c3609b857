package io.trialgraph.client.internal;

/** Where a gRPC target points, for the client's refusal to send a token in plain text off this machine. */
public final class Targets {

    private Targets() {}

    /**
     * Whether a gRPC target is on this machine: a Unix socket, {@code localhost} or a loopback
     * address, as "host:port" or a {@code dns:} URI. Names other than localhost are not looked up.
     */
    public static boolean isOnThisMachine(String target) {
        String t = target.strip();
        if (t.startsWith("unix:") || t.startsWith("unix-abstract:")) {
            return true;
        }
        String hostPort = t;
        if (t.regionMatches(true, 0, "dns:", 0, 4)) {
            hostPort = t.substring(4);
            if (hostPort.startsWith("//")) {
                // dns://[dns-server]/host:port
                int slash = hostPort.indexOf('/', 2);
                hostPort = slash < 0 ? "" : hostPort.substring(slash + 1);
            }
        } else if (t.contains("://")) {
            return false;
        }
        String host;
        if (hostPort.startsWith("[")) {
            int end = hostPort.indexOf(']');
            host = end < 0 ? hostPort : hostPort.substring(1, end);
        } else if (hostPort.indexOf(':') == hostPort.lastIndexOf(':')) {
            host = hostPort.indexOf(':') < 0 ? hostPort : hostPort.substring(0, hostPort.indexOf(':'));
        } else {
            host = hostPort;
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        boolean literal = host.matches("[0-9.]+") || host.contains(":");
        if (!literal || host.isEmpty()) {
            return false;
        }
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
