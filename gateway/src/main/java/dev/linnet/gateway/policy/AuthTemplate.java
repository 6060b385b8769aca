package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * An external-auth value with nginx variables ({@code https://$host/oauth2/auth}), compiled once by
 * the controller. Only a closed set of variables exists (auth-limits-spec.md §3.8): nothing is
 * looked up by a name a user wrote, and {@link #compile} refuses every other name, which the
 * controller turns into a 503 for the Ingress. {@code $name} ends at the first character outside
 * {@code [A-Za-z0-9_]}; {@code ${name}} is the braced form.
 *
 * @param parts literal strings and {@link Var}s, in order
 */
public record AuthTemplate(List<Object> parts) {

    /** The variables an auth value may use; each is the client request's, as in nginx's subrequest. */
    public enum Name {
        HOST, HTTP_HOST, SCHEME, REQUEST_URI, ESCAPED_REQUEST_URI, REMOTE_ADDR, REQUEST_METHOD, PASS_ACCESS_SCHEME,
        SERVER_PORT, NAMESPACE, INGRESS_NAME, SERVICE_NAME, SERVICE_PORT, LOCATION_PATH, URI, ARGS, REMOTE_USER,
        BEST_HTTP_HOST, PASS_PORT, REQ_ID, HTTP, COOKIE
    }

    /** One variable; {@code arg} is the header or cookie name of {@code $http_<h>} and {@code $cookie_<c>}. */
    public record Var(Name name, String arg) {
    }

    public AuthTemplate {
        parts = List.copyOf(parts);
    }

    /**
     * @throws IllegalArgumentException naming the first variable outside the closed set
     */
    public static AuthTemplate compile(String text) {
        requireNonNull(text, "text");
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$') {
                literal.append(c);
                i++;
                continue;
            }
            boolean braced = i + 1 < text.length() && text.charAt(i + 1) == '{';
            int start = braced ? i + 2 : i + 1;
            int end = start;
            while (end < text.length() && isNameChar(text.charAt(end))) {
                end++;
            }
            if (braced && (end >= text.length() || text.charAt(end) != '}')) {
                throw new IllegalArgumentException("unterminated ${ at offset " + i);
            }
            String name = text.substring(start, end);
            if (!literal.isEmpty()) {
                parts.add(literal.toString());
                literal.setLength(0);
            }
            parts.add(variable(name));
            i = braced ? end + 1 : end;
        }
        if (!literal.isEmpty()) {
            parts.add(literal.toString());
        }
        return new AuthTemplate(parts);
    }

    private static boolean isNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }

    private static Var variable(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http_") && lower.length() > 5) {
            return new Var(Name.HTTP, lower.substring(5).replace('_', '-'));
        }
        if (lower.startsWith("cookie_") && name.length() > 7) {
            return new Var(Name.COOKIE, name.substring(7)); // cookie names are case-sensitive
        }
        for (Name n : Name.values()) {
            if (n != Name.HTTP && n != Name.COOKIE && n.name().toLowerCase(Locale.ROOT).equals(name)) {
                return new Var(n, null);
            }
        }
        throw new IllegalArgumentException("variable $" + name + " is not one Linnet evaluates (expected: $host,"
                + " $http_host, $scheme, $request_uri, $escaped_request_uri, $remote_addr, $remote_user,"
                + " $request_method, $pass_access_scheme, $best_http_host, $pass_port, $req_id, $server_port,"
                + " $http_<header>, $cookie_<name>, $namespace,"
                + " $ingress_name, $service_name, $service_port, $location_path, $uri, $args)");
    }

    /** Whether the value has no variable (evaluate once). */
    public boolean isConstant() {
        for (Object p : parts) {
            if (p instanceof Var) {
                return false;
            }
        }
        return true;
    }

    /** The value for {@code request} in the auth subrequest's location; an absent header or cookie is empty, as in nginx. */
    public String evaluate(RequestContext request) {
        return evaluate(request, true);
    }

    /**
     * The value in the request's own location ({@code proxy-set-headers}): {@code $uri} is the
     * request's path and {@code $args} its query, not the auth location's.
     */
    public String evaluateInLocation(RequestContext request) {
        return evaluate(request, false);
    }

    private String evaluate(RequestContext request, boolean authLocation) {
        if (parts.size() == 1 && parts.get(0) instanceof String s) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        for (Object p : parts) {
            if (p instanceof String s) {
                out.append(s);
            } else {
                out.append(value((Var) p, request, authLocation));
            }
        }
        return out.toString();
    }

    private static String value(Var v, RequestContext r, boolean authLocation) {
        return switch (v.name()) {
            case HOST -> r.host();
            case HTTP_HOST -> r.authority();
            case SCHEME -> r.tls() ? "https" : "http";
            case PASS_ACCESS_SCHEME -> r.client().scheme();
            case BEST_HTTP_HOST -> r.client().host();
            case PASS_PORT -> r.client().port();
            case REQ_ID -> r.requestId().toString();
            case REQUEST_URI -> r.request().uri();
            case ESCAPED_REQUEST_URI -> escape(r.request().uri());
            case REMOTE_ADDR -> r.client().remoteAddr();
            case REQUEST_METHOD -> r.request().method().name();
            case SERVER_PORT -> serverPort(r);
            case NAMESPACE -> r.route().namespace();
            case INGRESS_NAME -> r.route().ingress();
            case SERVICE_NAME -> r.route().backend().service();
            case SERVICE_PORT -> r.route().backend().port();
            case LOCATION_PATH -> r.route().match().path();
            case URI -> authLocation ? internalPath(r) : r.path();
            case ARGS -> authLocation ? "" : args(r.request().uri());
            case REMOTE_USER -> remoteUser(r);
            case HTTP -> {
                String h = r.request().headers().get(v.arg());
                yield h == null ? "" : h;
            }
            case COOKIE -> cookie(r, v.arg());
        };
    }

    /** nginx's {@code $escaped_request_uri} as ingress-nginx builds it: all but {@code A-Z a-z 0-9 - . _ ~} percent-encoded. */
    public static String escape(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static String args(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? "" : uri.substring(q + 1);
    }

    private static String serverPort(RequestContext r) {
        var ch = r.channel().parent() != null ? r.channel().parent() : r.channel();
        return ch.localAddress() instanceof InetSocketAddress a ? String.valueOf(a.getPort()) : "";
    }

    /** {@code $uri} inside the auth location: ingress-nginx's internal {@code /_external-auth-<b64(path)>-<type>}. */
    private static String internalPath(RequestContext r) {
        return "/_external-auth-" + Base64.getUrlEncoder().withoutPadding().encodeToString(
                r.route().match().path().getBytes(StandardCharsets.UTF_8)) + '-'
                + r.route().match().type().name().toLowerCase(Locale.ROOT);
    }

    /** {@code $remote_user}: the user of a Basic Authorization header (ingress-nginx's cache-key example). */
    private static String remoteUser(RequestContext r) {
        String auth = r.request().headers().get(HttpHeaderNames.AUTHORIZATION);
        if (auth == null || auth.length() < 6 || !auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            return "";
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(auth.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? "" : decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static String cookie(RequestContext r, String name) {
        for (String header : r.request().headers().getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie c : ServerCookieDecoder.LAX.decode(header)) {
                if (c.name().equals(name)) {
                    return c.value();
                }
            }
        }
        return "";
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (Object p : parts) {
            if (p instanceof Var v) {
                out.append('$').append(v.name() == Name.HTTP ? "http_" + v.arg().replace('-', '_')
                        : v.name() == Name.COOKIE ? "cookie_" + v.arg() : v.name().name().toLowerCase(Locale.ROOT));
            } else {
                out.append(p);
            }
        }
        return out.toString();
    }
}
