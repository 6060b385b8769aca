package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * A value with nginx variables ({@code $host}, {@code ${http_x_user}}, {@code $1}), compiled once
 * by the controller and expanded per request. Only the variables Linnet can compute exist (see
 * {@link #VARIABLES}, docs/snippets.md); an unknown one is refused when the value is parsed, never
 * expanded to something else. A value without variables costs nothing to expand.
 *
 * <p>nginx's syntax: {@code $name} takes letters, digits and {@code _}; {@code ${name}} may sit
 * next to letters; {@code $1}…{@code $9} are one digit (regex captures); a {@code $} followed by
 * anything else is an error. There is no escape for {@code $}.
 */
public final class NginxValue {

    /** The variables Linnet computes, with what each is (docs/snippets.md lists the same). */
    public static final Map<String, String> VARIABLES = Map.ofEntries(
            Map.entry("scheme", "http or https"),
            Map.entry("host", "the request's host, lower case, without port"),
            Map.entry("server_name", "the request's host (the server block's name)"),
            Map.entry("http_host", "the Host header as sent"),
            Map.entry("best_http_host", "the Host header as sent"),
            Map.entry("request_uri", "the original request target, with query"),
            Map.entry("uri", "the normalised path (after a snippet's rewrite, the rewritten one)"),
            Map.entry("args", "the query string, without ?"),
            Map.entry("query_string", "the query string, without ?"),
            Map.entry("is_args", "? when there is a query string, else empty"),
            Map.entry("request_method", "GET, POST, …"),
            Map.entry("remote_addr", "the client's address"),
            Map.entry("server_port", "the port of the listener that took the request"),
            Map.entry("request_id", "the X-Request-ID sent upstream"),
            Map.entry("namespace", "the Ingress's namespace"),
            Map.entry("ingress_name", "the Ingress's name"),
            Map.entry("service_name", "the Service of the Ingress path"),
            Map.entry("service_port", "the Service port of the Ingress path"),
            Map.entry("http_NAME", "a request header, - written as _ (several values joined by , )"),
            Map.entry("arg_NAME", "a query parameter (the first)"),
            Map.entry("cookie_NAME", "a request cookie"));

    private static final NginxValue EMPTY = new NginxValue("", new Object[0]);

    private final String source;
    private final Object[] parts; // String literals and Var references

    private NginxValue(String source, Object[] parts) {
        this.source = source;
        this.parts = parts;
    }

    /** {@code raw} taken literally, {@code $} included ({@code custom-headers} values: annotations-spec.md §3.4). */
    public static NginxValue literal(String raw) {
        requireNonNull(raw, "raw");
        return raw.isEmpty() ? EMPTY : new NginxValue(raw, new Object[] {raw});
    }

    /** One variable reference. */
    private record Var(String name, int capture) {
    }

    /**
     * Parses {@code raw}.
     *
     * @param allowCaptures whether {@code $1}…{@code $9} may appear (a rewrite's replacement)
     * @throws IllegalArgumentException naming the variable that is invalid or not computed by Linnet
     */
    public static NginxValue parse(String raw, boolean allowCaptures) {
        requireNonNull(raw, "raw");
        if (raw.indexOf('$') < 0) {
            return raw.isEmpty() ? EMPTY : new NginxValue(raw, new Object[] {raw});
        }
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            if (c != '$') {
                literal.append(c);
                i++;
                continue;
            }
            if (literal.length() > 0) {
                parts.add(literal.toString());
                literal.setLength(0);
            }
            i++;
            if (i < raw.length() && raw.charAt(i) >= '1' && raw.charAt(i) <= '9') {
                if (!allowCaptures) {
                    throw new IllegalArgumentException("$" + raw.charAt(i) + " (regex captures only in a rewrite)");
                }
                parts.add(new Var(null, raw.charAt(i) - '0'));
                i++;
                continue;
            }
            boolean braced = i < raw.length() && raw.charAt(i) == '{';
            int start = braced ? i + 1 : i;
            int end = start;
            while (end < raw.length() && isNameChar(raw.charAt(end))) {
                end++;
            }
            if (end == start || braced && (end >= raw.length() || raw.charAt(end) != '}')) {
                throw new IllegalArgumentException("invalid variable name after $ in " + raw);
            }
            String name = raw.substring(start, end).toLowerCase(Locale.ROOT);
            if (!known(name)) {
                throw new IllegalArgumentException("$" + name + " (not a variable Linnet computes)");
            }
            parts.add(new Var(name, 0));
            i = braced ? end + 1 : end;
        }
        if (literal.length() > 0) {
            parts.add(literal.toString());
        }
        return new NginxValue(raw, parts.toArray());
    }

    private static boolean isNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }

    /** Whether {@code name} (lower case) is a variable Linnet computes. */
    public static boolean known(String name) {
        return VARIABLES.containsKey(name) || prefixed(name, "http_") || prefixed(name, "arg_")
                || prefixed(name, "cookie_");
    }

    private static boolean prefixed(String name, String prefix) {
        return name.length() > prefix.length() && name.startsWith(prefix);
    }

    /** The value as written. */
    public String source() {
        return source;
    }

    /** Whether the value has no variable. */
    public boolean constant() {
        return parts.length == 0 || parts.length == 1 && parts[0] instanceof String;
    }

    /**
     * Expands the variables for {@code request}; {@code captures} is the rewrite's match, or {@code null}.
     * Control characters but the tab that a variable brings in ({@code $uri} is decoded:
     * {@code %0D%0A}, {@code %01}) are written percent-encoded, so an expanded value can never split
     * a header or a head, nor fail the response head's validation (which would skip the route's
     * later header edits: a client could switch off a {@code more_clear_headers}).
     */
    public String expand(RequestContext request, Matcher captures) {
        if (constant()) {
            return source;
        }
        StringBuilder out = new StringBuilder();
        for (Object p : parts) {
            if (p instanceof String s) {
                out.append(s);
            } else {
                Var v = (Var) p;
                if (v.capture > 0) {
                    String g = captures == null || v.capture > captures.groupCount() ? null : captures.group(v.capture);
                    out.append(g == null ? "" : g);
                } else {
                    out.append(RequestVariables.value(request, v.name));
                }
            }
        }
        return safe(out);
    }

    private static String safe(StringBuilder s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                s.replace(i, i + 1, "%" + HEX.charAt(c >> 4) + HEX.charAt(c & 0xf));
            }
        }
        return s.toString();
    }

    private static final String HEX = "0123456789ABCDEF";

    /** The request's listener port ({@code $server_port}). */
    static String serverPort(RequestContext request) {
        return request.channel() != null && request.channel().localAddress() instanceof InetSocketAddress a
                ? String.valueOf(a.getPort()) : "";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NginxValue v && source.equals(v.source) && java.util.Arrays.equals(parts, v.parts);
    }

    @Override
    public int hashCode() {
        return source.hashCode();
    }

    @Override
    public String toString() {
        return source;
    }
}
