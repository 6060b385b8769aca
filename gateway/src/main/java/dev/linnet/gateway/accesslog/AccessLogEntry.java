package dev.linnet.gateway.accesslog;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.metrics.RequestTimeline;
import dev.linnet.gateway.route.Route;

/**
 * One finished request as the access log formats it: made on the request's event loop at its end
 * (a few references and the header values the format names) and formatted there at once, by
 * {@link AccessLog#offer}.
 *
 * @param settings the access-log settings in force when the request ended (format, escaping, skips)
 * @param timeline the request's timeline: status, sizes, the split, the upstream tries
 * @param route the route that matched (also when a policy answered before the split), or
 *     {@code null} when none did
 * @param endMillis wall-clock time of the end ({@code $time_local}, {@code $msec})
 * @param client who asked, over what
 * @param request the request line and what routing read from it
 * @param requestId {@code $req_id}, the {@code X-Request-ID} sent upstream
 * @param headers the values of {@link LogFormat#headers()} in the request, by slot ({@code null}: absent)
 */
public record AccessLogEntry(AccessLogSettings settings, RequestTimeline timeline, Route route, long endMillis,
        Client client,
        Request request, CharSequence requestId, String[] headers) {

    public AccessLogEntry {
        requireNonNull(settings, "settings");
        requireNonNull(timeline, "timeline");
        requireNonNull(client, "client");
        requireNonNull(request, "request");
        requireNonNull(headers, "headers");
    }

    /**
     * @param address {@code $remote_addr}
     * @param port {@code $remote_port}
     * @param serverPort the listener's port ({@code $server_port}); 0 when the format does not name it
     * @param tls whether it came through the HTTPS listener ({@code $scheme})
     * @param sslProtocol the TLS protocol, or {@code null} (plain HTTP, or the format does not name it)
     * @param sslCipher the cipher suite, or {@code null} likewise
     * @param proxyProtocolAddr the source address of the connection's PROXY header
     *     ({@code $proxy_protocol_addr}), or {@code null}: none (or {@code UNKNOWN}, {@code LOCAL}), or the
     *     format does not name it
     * @param proxyProtocolPort its source port ({@code $proxy_protocol_port}); 0 without one
     */
    public record Client(String address, int port, int serverPort, boolean tls, String sslProtocol, String sslCipher,
            String proxyProtocolAddr, int proxyProtocolPort) {

        /** A client whose connection had no PROXY header. */
        public Client(String address, int port, int serverPort, boolean tls, String sslProtocol, String sslCipher) {
            this(address, port, serverPort, tls, sslProtocol, sslCipher, null, 0);
        }
    }

    /**
     * @param method {@code $request_method}
     * @param uri the request target as sent ({@code $request_uri}); {@code null} when the request line
     *     could not be read (the head was refused before routing)
     * @param protocol {@code HTTP/1.1}, {@code HTTP/1.0} or {@code HTTP/2.0} ({@code $server_protocol})
     * @param host the host that routed it, normalised ({@code $host}); {@code null} for a head refused
     *     before routing
     * @param path the normalised path routing used ({@code $uri}); {@code null} likewise
     */
    public record Request(String method, String uri, String protocol, String host, String path) {
    }
}
