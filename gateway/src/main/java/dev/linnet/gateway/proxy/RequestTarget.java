package dev.linnet.gateway.proxy;

/**
 * The request target and Host as the frontend reads them before routing: what nginx refuses in
 * them (400), the path a route is matched on (before {@link dev.linnet.gateway.route.RequestPath}
 * normalises it), and the origin form a redirect keeps.
 */
final class RequestTarget {

    private RequestTarget() {
    }

    /** A Host value, normalised (no port, lower case, no trailing dot), that is a DNS name or a bracketed IPv6 literal; empty is allowed (HTTP/1.0, the default server). */
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
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_')) {
                return false; // normaliseHost lower-cased it already
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

    /** The path a route matches: the request target without query (or fragment), origin form. */
    static String pathOf(String uri) {
        int start = 0;
        int scheme = uri.indexOf("://");
        if (scheme > 0 && uri.charAt(0) != '/') { // absolute form: http://host/path?q
            int slash = uri.indexOf('/', scheme + 3);
            if (slash < 0) {
                return "/";
            }
            start = slash;
        }
        int end = uri.length();
        for (int i = start; i < end; i++) {
            char c = uri.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        return start == 0 && end == uri.length() ? uri : uri.substring(start, end);
    }

    /** The request target as path and query (an absolute-form target loses its scheme and authority). */
    static String originForm(String uri) {
        int scheme = uri.indexOf("://");
        if (uri.startsWith("/") || scheme < 0) {
            return uri;
        }
        for (int i = scheme + 3; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '/') {
                return uri.substring(i);
            }
            if (c == '?' || c == '#') {
                return "/" + uri.substring(i);
            }
        }
        return "/";
    }
}
