package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;

/**
 * Who the client is as far as the gateway believes it, computed once per request from the
 * connection and, where the ConfigMap trusts them, forwarded headers and the PROXY header
 * (annotations-spec.md §4.2, §4.3). Named after the nginx variables they are in ingress-nginx.
 *
 * @param address {@code $remote_addr} and {@code $remote_port} (port 0 when a header named no port)
 * @param remoteAddr {@code $remote_addr} as text ({@code 2001:db8::1}, compressed as nginx prints it)
 * @param scheme {@code $pass_access_scheme}: the connection's, or a trusted {@code X-Forwarded-Proto}
 *     verbatim, or {@code https} for a PROXY destination port 443
 * @param host {@code $best_http_host}: the Host header as sent, or the first trusted
 *     {@code X-Forwarded-Host} entry; may carry a port
 * @param port {@code $pass_port}: 80 or 443 by listener, a PROXY destination port, or a trusted
 *     {@code X-Forwarded-Port} verbatim; empty when unknown
 */
public record ClientView(InetSocketAddress address, String remoteAddr, String scheme, String host, String port) {

    public ClientView {
        requireNonNull(remoteAddr, "remoteAddr");
        requireNonNull(scheme, "scheme");
        requireNonNull(host, "host");
        requireNonNull(port, "port");
    }

    /** {@link #host()} without its port: the host of a redirect to HTTPS (lua_ingress.lua's {@code redirect_host}). */
    public String hostWithoutPort() {
        String h = host;
        if (h.startsWith("[")) { // an IPv6 literal keeps its brackets
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }
}
