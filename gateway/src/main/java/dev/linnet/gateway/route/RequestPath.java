package dev.linnet.gateway.route;

/**
 * The request path as nginx matches it against locations: its {@code $uri}, made by
 * {@code ngx_http_parse_complex_uri} (with {@code merge_slashes on}, nginx's and ingress-nginx's
 * default). Routing on the path as sent would let {@code /public/../admin}, {@code //admin} or
 * {@code /%61dmin} reach the pod as {@code /admin} through a less specific route, past the
 * {@code /admin} Ingress and its {@code whitelist-source-range}; nginx routes all three to the
 * {@code /admin} location.
 *
 * <pre>
 *   /a//b/./c/../d%2Fe%20f
 *     1. %XX decoded, once ─▶ /a//b/./c/../d/e f    (%00, a bad or cut escape: invalid)
 *     2. // merged         ─▶ /a/b/./c/../d/e f
 *     3. . dropped, .. pops ─▶ /a/b/d/e f           (.. above the root: invalid)
 * </pre>
 *
 * A decoded {@code /} or {@code .} takes part in step 2 and 3 as nginx's state machine lets it
 * ({@code %2e%2e} is {@code ..}); a decoded {@code %}, {@code ?} or {@code #} is just a character.
 * Characters are bytes (ISO-8859-1, as the decoder read the request line), so a decoded UTF-8
 * sequence stays the bytes nginx compares. The path sent upstream is not this one: like nginx's
 * {@code proxy_pass} without a URI part, the request goes on as the client wrote it; only
 * {@code rewrite-target} builds on this path (see {@link #escapeUri}).
 */
public final class RequestPath {

    private RequestPath() {
    }

    /**
     * The normalised form of {@code path} (the request target's path, query already cut), the same
     * instance when there is nothing to do; {@code null} when nginx answers 400 to it. A path that
     * does not start with {@code /} (an {@code OPTIONS *}) is left alone.
     */
    public static String normalise(String path) {
        if (path.isEmpty() || path.charAt(0) != '/' || isPlain(path)) {
            return path;
        }
        String decoded = decode(path);
        return decoded == null ? null : resolveSegments(decoded);
    }

    /** No escape, no empty segment, no segment starting with a dot: the common case, one scan. */
    private static boolean isPlain(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%') {
                return false;
            }
            if (c == '/' && i + 1 < path.length()) {
                char next = path.charAt(i + 1);
                if (next == '/' || next == '.') {
                    return false;
                }
            }
        }
        return true;
    }

    /** Step 1; {@code null} for {@code %00} or an escape without two hex digits. */
    private static String decode(String path) {
        int percent = path.indexOf('%');
        if (percent < 0) {
            return path;
        }
        StringBuilder out = new StringBuilder(path.length()).append(path, 0, percent);
        for (int i = percent; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            int high = i + 1 < path.length() ? Character.digit(path.charAt(i + 1), 16) : -1;
            int low = i + 2 < path.length() ? Character.digit(path.charAt(i + 2), 16) : -1;
            if (high < 0 || low < 0 || high == 0 && low == 0) {
                return null;
            }
            out.append((char) (high << 4 | low));
            i += 2;
        }
        return out.toString();
    }

    /**
     * Steps 2 and 3 on a decoded path that starts with {@code /}; {@code null} when {@code ..}
     * climbs above it. {@code out} always ends with {@code /} while it is built; the slash after
     * the last segment goes only if the path did not end with one (or with {@code .} / {@code ..},
     * which name a directory: {@code /a/b/..} is {@code /a/}).
     */
    private static String resolveSegments(String path) {
        int n = path.length();
        StringBuilder out = new StringBuilder(n).append('/');
        boolean endsInFile = false;
        for (int i = 1; i < n; ) {
            int end = path.indexOf('/', i);
            if (end < 0) {
                end = n;
            }
            int length = end - i;
            endsInFile = false;
            if (length == 0 || length == 1 && path.charAt(i) == '.') {
                // "//" merged, "/./" dropped
            } else if (length == 2 && path.charAt(i) == '.' && path.charAt(i + 1) == '.') {
                if (out.length() == 1) {
                    return null; // above the root: nginx's "invalid request"
                }
                out.setLength(out.lastIndexOf("/", out.length() - 2) + 1);
            } else {
                out.append(path, i, end).append('/');
                endsInFile = end == n;
            }
            i = end + 1;
        }
        if (endsInFile) {
            out.setLength(out.length() - 1);
        }
        return out.toString();
    }

    /**
     * {@code path} escaped as nginx's proxy module escapes a rewritten {@code $uri}
     * ({@code NGX_ESCAPE_URI}): space, {@code #}, {@code %}, {@code ?}, control characters, DEL and
     * bytes above 127 become {@code %XX}; {@code / ; & +} and the rest stay.
     */
    public static String escapeUri(String path) {
        return escape(path, URI);
    }

    /**
     * A capture in the query part of a {@code rewrite-target}, escaped as nginx's {@code rewrite}
     * escapes it when the client's path had escapes ({@code NGX_ESCAPE_ARGS}): as
     * {@link #escapeUri}, and {@code & + ;} too.
     */
    public static String escapeArgs(String capture) {
        return escape(capture, ARGS);
    }

    /**
     * A request target for the upstream request line, its bytes above 127 percent-encoded and
     * nothing else touched. The decoder read the line one byte per character (ISO-8859-1) and
     * Netty's encoder writes a target as UTF-8, so raw non-ASCII bytes would reach the pod mangled;
     * nginx passes them raw, and encoded they mean the same to a server that decodes its path. The
     * common ASCII target comes back as it is, after one scan.
     */
    public static String escapeNonAscii(String target) {
        return escape(target, NON_ASCII);
    }

    private static final int URI = 0;
    private static final int ARGS = 1;
    private static final int NON_ASCII = 2;

    private static boolean needsEscape(char c, int set) {
        if (c >= 0x80) {
            return true;
        }
        return set != NON_ASCII && (c <= 0x20 || c == 0x7f || c == '#' || c == '%' || c == '?'
                || set == ARGS && (c == '&' || c == '+' || c == ';'));
    }

    private static String escape(String s, int set) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (needsEscape(c, set)) {
                if (out == null) {
                    out = new StringBuilder(s.length() + 8).append(s, 0, i);
                }
                out.append('%').append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
}
