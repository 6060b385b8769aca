package dev.linnet.gateway.proxy;

import dev.linnet.gateway.route.RouteTable;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Iterator;

/**
 * The request target and Host as the frontend reads them before routing: what nginx refuses in
 * them (400), the absolute form taken apart, and the path a route is matched on (before
 * {@link dev.linnet.gateway.route.RequestPath} normalises it).
 */
final class RequestTarget {

    private RequestTarget() {
    }

    /**
     * The request's Host header, normalised ({@link RouteTable#normaliseHost}): empty when there is
     * none and that is allowed (HTTP/1.0; an HTTP/2 stream, whose {@code :authority} is optional),
     * {@code null} when nginx answers 400: no Host on HTTP/1.1, more than one, an empty one, or one
     * that is no host name ({@link #isHostName}).
     */
    static String validHostHeader(HttpRequest request, boolean h2) {
        Iterator<? extends CharSequence> all = request.headers().valueCharSequenceIterator(HttpHeaderNames.HOST);
        if (!all.hasNext()) {
            return h2 || !request.protocolVersion().equals(HttpVersion.HTTP_1_1) ? "" : null;
        }
        String value = all.next().toString();
        String host = RouteTable.normaliseHost(value);
        if (all.hasNext() || host.isEmpty() || !isHostName(host) || value.contains("..")) { // ".." in a port too
            return null; // a second Host: nginx's "client sent duplicate host header"
        }
        return host;
    }

    /**
     * A Host value, normalised (no port, lower case, no trailing dot), as nginx's
     * {@code ngx_http_validate_host} takes it: no space or control character, no {@code /} (a Host
     * like {@code evil/.example.com} could match a wildcard and travel on) and, stricter than nginx
     * on Linux, no {@code \}; no empty label ({@code a..b}); or a bracketed IPv6 literal. Empty is
     * allowed (HTTP/1.0 without Host: the default server).
     */
    static boolean isHostName(String host) {
        if (host.startsWith("[") && host.endsWith("]")) {
            for (int i = 1; i < host.length() - 1; i++) {
                char c = host.charAt(i);
                if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                    return false;
                }
            }
            return host.length() > 2;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c <= ' ' || c == '/' || c == '\\' || c == 0x7f) {
                return false;
            }
            if (c == '.' && i > 0 && host.charAt(i - 1) == '.') {
                return false;
            }
        }
        return true;
    }

    /** Whether a request target is free of control characters, DEL and spaces (the decoder lets some through). */
    static boolean isClean(String uri) {
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** The path of an origin-form target: without query (or fragment). */
    static String pathOf(String uri) {
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '?' || c == '#') {
                return uri.substring(0, i);
            }
        }
        return uri;
    }

    /**
     * An absolute-form target ({@code http://host:port/path?query}, RFC 9112 §3.2.2) taken apart
     * as nginx's request-line parser does: the host routes the request (it wins over the Host
     * header, as in nginx's server selection) and the origin form is what goes on, to routing and
     * upstream ({@code $request_uri} starts at the path). {@code null} when nginx answers 400: a
     * scheme that does not start with a letter, a host with other characters than letters, digits,
     * {@code .} and {@code -} (or a bracketed IPv6 literal), a host with an empty label
     * ({@code a..b}, {@code .}), a port that is not digits, or anything but {@code /}, {@code ?}
     * or the end after the authority ({@code http://h\admin}).
     */
    static Absolute absolute(String uri) {
        int i = 0;
        while (i < uri.length() && (isLetter(uri.charAt(i))
                || i > 0 && (isDigit(uri.charAt(i)) || "+-.".indexOf(uri.charAt(i)) >= 0))) {
            i++; // nginx's sw_schema: a letter, then letters, digits, + - . (never checked further)
        }
        if (i == 0 || !uri.startsWith("://", i)) {
            return null;
        }
        int hostStart = i + 3;
        int j = hostStart;
        if (j < uri.length() && uri.charAt(j) == '[') {
            int close = uri.indexOf(']', j);
            if (close < 0 || !isHostName(uri.substring(j, close + 1))) {
                return null;
            }
            j = close + 1;
        } else {
            while (j < uri.length() && (isLetter(uri.charAt(j)) || isDigit(uri.charAt(j))
                    || uri.charAt(j) == '.' || uri.charAt(j) == '-')) {
                j++;
            }
            // nginx's ngx_http_validate_host on the request line's host: no empty label, and
            // not empty once its one trailing dot is gone ("http://./", "http://a..b/": 400).
            if (j == hostStart || uri.startsWith(".", hostStart) && j == hostStart + 1
                    || uri.substring(hostStart, j).contains("..")) {
                return null;
            }
        }
        if (j < uri.length() && uri.charAt(j) == ':') {
            j++;
            while (j < uri.length() && isDigit(uri.charAt(j))) {
                j++;
            }
        }
        String authority = uri.substring(hostStart, j);
        if (j == uri.length()) {
            return new Absolute(authority, "/");
        }
        char next = uri.charAt(j);
        if (next == '/') {
            return new Absolute(authority, uri.substring(j));
        }
        return next == '?' ? new Absolute(authority, "/" + uri.substring(j)) : null;
    }

    /** The parts of an absolute-form target that matter: its authority and its origin form. */
    record Absolute(String authority, String originForm) {
    }

    private static boolean isLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
