package dev.linnet.gateway.route;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * ingress-nginx's {@code rewrite-target}: the upstream request URI becomes the target, with
 * {@code $1} … {@code $9} replaced by the capture groups of the route's path regex, as its
 * template's {@code rewrite "(?i)<path>" <target> break;} does. The target is split into
 * literal and group parts once, in the builder, so a request only concatenates.
 *
 * <p>Query string, as nginx's {@code rewrite}
 * (<a href="https://nginx.org/en/docs/http/ngx_http_rewrite_module.html#rewrite">docs</a>): the
 * client's arguments are appended to a target without {@code ?}, appended after {@code &} to a
 * target with its own arguments, and dropped when the target ends with {@code ?}.
 *
 * <pre>
 *   path /api/v1/users?id=7   route ~* ^/api/(v\d)/(.*)   target /$2/$1
 *        └─ search ─▶ $1=v1 $2=users ─▶ /users/v1 ─▶ + ?id=7 ─▶ /users/v1?id=7
 * </pre>
 */
public final class RewriteTarget {

    private final String target;
    private final List<Object> parts; // String literals and Integer group numbers
    private final boolean dropsQuery;
    private final boolean hasQuery;

    private RewriteTarget(String target) {
        this.target = target;
        String t = target;
        this.dropsQuery = t.endsWith("?");
        if (dropsQuery) {
            t = t.substring(0, t.length() - 1);
        }
        this.hasQuery = t.indexOf('?') >= 0;
        List<Object> p = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '$' && i + 1 < t.length() && t.charAt(i + 1) >= '1' && t.charAt(i + 1) <= '9') {
                if (!literal.isEmpty()) {
                    p.add(literal.toString());
                    literal.setLength(0);
                }
                p.add(t.charAt(++i) - '0');
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            p.add(literal.toString());
        }
        this.parts = List.copyOf(p);
    }

    public static RewriteTarget of(String target) {
        requireNonNull(target, "target");
        if (target.isEmpty()) {
            throw new IllegalArgumentException("target: \"\" (expected: a URI path)");
        }
        return new RewriteTarget(target);
    }

    public String target() {
        return target;
    }

    /**
     * The upstream URI for a request whose {@code path} matched {@code match}; {@code query} is
     * the request's query string without {@code ?} (or {@code null}). Groups that did not take
     * part, or that the path does not have, are empty, as in nginx. A non-regex match has no
     * groups.
     *
     * <p>The search is the one the route lookup already ran on this path, and it is
     * deterministic, so for the route the lookup chose it cannot run out of budget here.
     *
     * @throws PathRegexException when the search runs out of budget (only for a path the
     *     lookup did not match with {@code match})
     */
    public String apply(PathMatch match, String path, String query) {
        return apply(match, path, query, false);
    }

    /**
     * As above; {@code escapeCaptures} says the client's path had escapes that routing decoded
     * ({@link RequestPath}), so each capture is escaped again for the request line, as nginx's
     * {@code rewrite} does then ({@link RequestPath#escapeCapture}). The target's own text is
     * taken as written, in nginx too.
     */
    public String apply(PathMatch match, String path, String query, boolean escapeCaptures) {
        Matcher m = match.regex() == null ? null : match.regex().search(path);
        StringBuilder out = new StringBuilder(target.length() + path.length());
        for (Object part : parts) {
            if (part instanceof Integer group) {
                if (m != null && group <= m.groupCount() && m.group(group) != null) {
                    String capture = m.group(group);
                    out.append(escapeCaptures ? RequestPath.escapeCapture(capture) : capture);
                }
            } else {
                out.append((String) part);
            }
        }
        if (out.length() == 0 || out.charAt(0) != '/') {
            // A target like "$1" must still give an origin-form target: "GET foo" is malformed,
            // and "GET http://evil.example/x" would make the pod take another host (RFC 9112 §3.2.2).
            out.insert(0, '/');
        }
        if (!dropsQuery && query != null && !query.isEmpty()) {
            out.append(hasQuery ? '&' : '?').append(query);
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RewriteTarget r && target.equals(r.target);
    }

    @Override
    public int hashCode() {
        return target.hashCode();
    }

    @Override
    public String toString() {
        return target;
    }
}
