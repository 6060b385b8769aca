package dev.linnet.gateway.accesslog;

import dev.linnet.gateway.metrics.RequestTimeline;
import dev.linnet.gateway.metrics.RequestTimeline.UpstreamTry;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.split.Decision;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The nginx variables a {@code log-format-upstream} may name (annotations-spec.md §7.1, §7.3),
 * with Linnet's values. {@code $http_<name>} and {@code $cookie_<name>} take their name from the
 * variable; everything else is one fixed name. Rendered on the request's event loop.
 */
enum Variable {
    REMOTE_ADDR, REMOTE_PORT, REMOTE_USER, TIME_LOCAL, TIME_ISO8601, MSEC,
    REQUEST, REQUEST_METHOD, REQUEST_URI, URI, ARGS, QUERY_STRING, SERVER_PROTOCOL, SCHEME, HOST, SERVER_PORT,
    STATUS, BODY_BYTES_SENT, BYTES_SENT, REQUEST_LENGTH, REQUEST_TIME,
    PROXY_UPSTREAM_NAME, PROXY_ALTERNATIVE_UPSTREAM_NAME,
    UPSTREAM_ADDR, UPSTREAM_STATUS, UPSTREAM_RESPONSE_TIME, UPSTREAM_RESPONSE_LENGTH, UPSTREAM_CONNECT_TIME,
    UPSTREAM_HEADER_TIME,
    REQ_ID, REQUEST_ID, NAMESPACE, INGRESS_NAME, SERVICE_NAME, SERVICE_PORT,
    PROXY_ADD_X_FORWARDED_FOR, PROXY_PROTOCOL_ADDR, PROXY_PROTOCOL_PORT, SSL_PROTOCOL, SSL_CIPHER,
    LINNET_SPLIT_REASON,
    /** {@code $http_<name>}: a request header. */
    HTTP,
    /** {@code $cookie_<name>}: a request cookie. */
    COOKIE,
    /** A name Linnet does not know: always missing. */
    MISSING;

    /** ingress-nginx's name of the default backend ({@code $proxy_upstream_name} of an unmatched request). */
    static final String DEFAULT_BACKEND = "upstream-default-backend";

    private static final Map<String, Variable> BY_NAME = Stream.of(values()).filter(v -> v != HTTP && v != COOKIE && v != MISSING)
            .collect(Collectors.toUnmodifiableMap(v -> v.name().toLowerCase(Locale.ROOT), Function.identity()));

    /** The variable {@code name} (lower case) is, or {@code null}; {@code http_*} and {@code cookie_*} included. */
    static Variable named(String name) {
        Variable v = BY_NAME.get(name);
        if (v != null) {
            return v;
        }
        if (name.startsWith("http_") && name.length() > 5) {
            return HTTP;
        }
        if (name.startsWith("cookie_") && name.length() > 7) {
            return COOKIE;
        }
        return null;
    }

    /** Every fixed name, sorted (the README lists them). */
    static Stream<String> names() {
        return BY_NAME.keySet().stream().sorted();
    }

    /** The request header this variable reads, or {@code null}; {@code arg} is the part after the prefix. */
    String header(String arg) {
        return switch (this) {
            case HTTP -> arg.replace('_', '-');
            case COOKIE -> "cookie";
            case REMOTE_USER -> "authorization";
            case PROXY_ADD_X_FORWARDED_FOR -> "x-forwarded-for";
            case REQUEST_ID -> "x-request-id";
            default -> null;
        };
    }

    /** Appends this variable's value for {@code e}. */
    void append(AccessLogEntry e, String arg, int slot, Escaping esc, Line out) {
        RequestTimeline t = e.timeline();
        switch (this) {
            case REMOTE_ADDR -> esc.append(out, e.client().address());
            case REMOTE_PORT -> out.append(e.client().port());
            case REMOTE_USER -> esc.append(out, basicUser(e.headers()[slot]));
            case TIME_LOCAL -> out.append(out.times.local(e.endMillis()));
            case TIME_ISO8601 -> out.append(out.times.iso8601(e.endMillis()));
            case MSEC -> millis(out, e.endMillis());
            case REQUEST -> {
                AccessLogEntry.Request r = e.request();
                if (r.uri() == null) {
                    esc.missing(out);
                } else { // as "$request_method $request_uri $server_protocol", one value: each part escaped alike
                    esc.append(out, r.method());
                    out.append(' ');
                    esc.append(out, r.uri());
                    out.append(' ');
                    esc.append(out, r.protocol());
                }
            }
            case REQUEST_METHOD -> esc.append(out, e.request().method());
            case REQUEST_URI -> esc.append(out, e.request().uri());
            case URI -> esc.append(out, e.request().path());
            case ARGS, QUERY_STRING -> esc.append(out, query(e.request().uri()));
            case SERVER_PROTOCOL -> esc.append(out, e.request().protocol());
            case SCHEME -> out.append(e.client().tls() ? "https" : "http");
            case HOST -> esc.append(out, e.request().host());
            case SERVER_PORT -> out.append(e.client().serverPort());
            case STATUS -> out.append(status(t));
            case BODY_BYTES_SENT -> out.append(t.bodyBytesSent());
            case BYTES_SENT -> out.append(t.bytesWritten());
            case REQUEST_LENGTH -> out.append(t.bytesRead());
            case REQUEST_TIME -> seconds(out, t.requestNanos());
            case PROXY_UPSTREAM_NAME -> esc.append(out, upstreamName(e));
            case PROXY_ALTERNATIVE_UPSTREAM_NAME -> esc.append(out, alternativeName(e));
            case UPSTREAM_ADDR, UPSTREAM_STATUS, UPSTREAM_RESPONSE_TIME, UPSTREAM_RESPONSE_LENGTH,
                    UPSTREAM_CONNECT_TIME, UPSTREAM_HEADER_TIME -> upstream(e, esc, out);
            case REQ_ID -> esc.append(out, e.requestId());
            case REQUEST_ID -> { // nginx's own id: $req_id unless the client sent one
                String client = e.headers()[slot];
                esc.append(out, client == null || client.isEmpty() ? e.requestId() : randomId());
            }
            case NAMESPACE -> esc.append(out, e.route() == null ? "" : e.route().namespace());
            case INGRESS_NAME -> esc.append(out, e.route() == null ? "" : e.route().ingress());
            case SERVICE_NAME -> esc.append(out, e.route() == null ? "" : e.route().backend().service());
            case SERVICE_PORT -> esc.append(out, e.route() == null ? "" : e.route().backend().port());
            case PROXY_ADD_X_FORWARDED_FOR -> {
                String client = e.headers()[slot];
                esc.append(out, client == null ? e.client().address() : client + ", " + e.client().address());
            }
            // nginx: not found without a PROXY header (or with UNKNOWN / LOCAL)
            case PROXY_PROTOCOL_ADDR -> esc.append(out, e.client().proxyProtocolAddr());
            case PROXY_PROTOCOL_PORT -> {
                if (e.client().proxyProtocolAddr() == null) {
                    esc.missing(out);
                } else {
                    out.append(e.client().proxyProtocolPort());
                }
            }
            case MISSING -> esc.missing(out);
            case SSL_PROTOCOL -> esc.append(out, e.client().sslProtocol());
            case SSL_CIPHER -> esc.append(out, e.client().sslCipher());
            case LINNET_SPLIT_REASON -> esc.append(out, t.splitDecision() == null ? null : t.splitDecision().reason().label());
            case HTTP -> esc.append(out, e.headers()[slot]);
            case COOKIE -> esc.append(out, cookie(e.headers()[slot], arg));
        }
    }

    private static int status(RequestTimeline t) {
        int s = t.clientStatus();
        return s >= 100 && s <= 599 ? s : 499; // cut before any answer: nginx's "client closed request"
    }

    /**
     * The main route's upstream, also for canary-served requests; the default backend's name for a
     * request no route matched (404); {@code -} for answers before any location (ingress-nginx's
     * server-level {@code set $proxy_upstream_name "-"}).
     */
    private static String upstreamName(AccessLogEntry e) {
        if (e.route() != null) {
            return e.route().backend().name();
        }
        return e.timeline().clientStatus() == 404 ? DEFAULT_BACKEND : "-";
    }

    private static String alternativeName(AccessLogEntry e) {
        RequestTimeline t = e.timeline();
        Decision d = t.splitDecision();
        Route route = e.route();
        if (route == null || d == null || !d.isCanary() || route.canaryCount() == 0) {
            return "";
        }
        return route.canary(t.servedCanary()).backend().name();
    }

    /** nginx's {@code $upstream_*} lists: one entry per try, {@code ", "} between; missing without a try. */
    private void upstream(AccessLogEntry e, Escaping esc, Line out) {
        RequestTimeline t = e.timeline();
        UpstreamTry[] tries = out.tries(e);
        if (tries.length == 0) {
            esc.missing(out);
            return;
        }
        for (int i = 0; i < tries.length; i++) {
            if (i > 0) {
                out.append(", ");
            }
            UpstreamTry u = tries[i];
            long end = u.end() != 0 ? u.end() : t.doneNanos();
            switch (this) {
                case UPSTREAM_ADDR -> endpoint(out, u.endpoint());
                case UPSTREAM_STATUS -> {
                    if (u.status() != 0) {
                        out.append(u.status());
                    } else {
                        out.append('-');
                    }
                }
                case UPSTREAM_RESPONSE_TIME -> seconds(out, end - u.start());
                case UPSTREAM_RESPONSE_LENGTH -> out.append(u.bytes());
                case UPSTREAM_CONNECT_TIME -> since(out, u.start(), u.connected());
                case UPSTREAM_HEADER_TIME -> since(out, u.start(), u.header());
                default -> throw new IllegalStateException(name());
            }
        }
    }

    /** As {@link Endpoint#toString()}: {@code 10.0.0.1:8080}, {@code [fd00::1]:8080}. */
    private static void endpoint(Line out, Endpoint endpoint) {
        String address = endpoint.address();
        if (address.indexOf(':') >= 0) {
            out.append('[').append(address).append(']');
        } else {
            out.append(address);
        }
        out.append(':').append(endpoint.port());
    }

    private static void since(Line out, long start, long at) {
        if (at == 0) {
            out.append('-');
        } else {
            seconds(out, at - start);
        }
    }

    /** Seconds with millisecond resolution, as nginx's {@code %T.%03M}: {@code 0.003}. */
    static void seconds(StringBuilder out, long nanos) {
        Line line = new Line(16, null);
        seconds(line, nanos);
        out.append(line.text(0));
    }

    static void seconds(Line out, long nanos) {
        millis(out, Math.max(0, nanos) / 1_000_000);
    }

    private static void millis(Line out, long ms) {
        out.append(ms / 1000).append('.');
        long frac = ms % 1000;
        if (frac < 100) {
            out.append('0');
        }
        if (frac < 10) {
            out.append('0');
        }
        out.append(frac);
    }

    /** 32 hex digits, as nginx's {@code $request_id}. */
    private static String randomId() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        return String.format("%016x%016x", r.nextLong(), r.nextLong());
    }

    /** {@code $args}: what follows the first {@code ?}; missing when the target has none. */
    private static String query(String uri) {
        int q = uri == null ? -1 : uri.indexOf('?');
        return q < 0 ? null : uri.substring(q + 1);
    }

    /**
     * {@code $remote_user}: the user of a {@code Basic} Authorization header, whether or not the
     * route asks for authentication; missing for any other header or one that does not decode.
     */
    static String basicUser(String authorization) {
        if (authorization == null || authorization.length() < 6
                || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()),
                    StandardCharsets.ISO_8859_1);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The value of cookie {@code name} in a Cookie header, or {@code null}. */
    static String cookie(String header, String name) {
        if (header == null) {
            return null;
        }
        for (String pair : header.split(";")) {
            String p = pair.strip();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).strip().equalsIgnoreCase(name)) {
                return p.substring(eq + 1).strip();
            }
        }
        return null;
    }
}
