package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.proxy.NettySplitRequest;
import io.netty.handler.codec.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The key of {@code upstream-hash-by}: literal text and nginx variables ({@code $request_uri},
 * {@code ${cookie_x}-v}), parsed once as ingress-nginx's {@code util.parse_nginx_variable} does
 * ({@code $name} or {@code ${name}}, names of letters, digits and {@code _}); per request the
 * pieces are hashed one after the other ({@link Crc32}), so no key string is built. A variable
 * Linnet does not know, or one absent from the request, is empty, as {@code ngx.var} gives nil.
 */
public final class HashKey {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}|\\$([A-Za-z0-9_]+)");

    /** The variables Linnet evaluates; {@code http_*}, {@code cookie_*} and {@code arg_*} take any suffix. */
    public static final String KNOWN = "request_uri, uri, args, query_string, is_args, remote_addr, host, scheme,"
            + " request_method, http_<header>, cookie_<name>, arg_<name>";

    private enum Kind { LITERAL, REQUEST_URI, URI, ARGS, IS_ARGS, REMOTE_ADDR, HOST, SCHEME, METHOD, HTTP, COOKIE, ARG, NONE }

    private record Piece(Kind kind, String text) {
    }

    private final String template;
    private final Piece[] pieces;
    private final List<String> unknown;

    private HashKey(String template, Piece[] pieces, List<String> unknown) {
        this.template = template;
        this.pieces = pieces;
        this.unknown = unknown;
    }

    public static HashKey parse(String template) {
        requireNonNull(template, "template");
        List<Piece> pieces = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        Matcher m = VARIABLE.matcher(template);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                pieces.add(new Piece(Kind.LITERAL, template.substring(last, m.start())));
            }
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            Piece p = variable(name);
            if (p.kind() == Kind.NONE) {
                unknown.add(name);
            }
            pieces.add(p);
            last = m.end();
        }
        if (last < template.length()) {
            pieces.add(new Piece(Kind.LITERAL, template.substring(last)));
        }
        return new HashKey(template, pieces.toArray(Piece[]::new), List.copyOf(unknown));
    }

    private static Piece variable(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return switch (lower) {
            case "request_uri" -> new Piece(Kind.REQUEST_URI, null);
            case "uri", "document_uri" -> new Piece(Kind.URI, null);
            case "args", "query_string" -> new Piece(Kind.ARGS, null);
            case "is_args" -> new Piece(Kind.IS_ARGS, null);
            case "remote_addr" -> new Piece(Kind.REMOTE_ADDR, null);
            case "host" -> new Piece(Kind.HOST, null);
            case "scheme" -> new Piece(Kind.SCHEME, null);
            case "request_method" -> new Piece(Kind.METHOD, null);
            default -> {
                if (lower.startsWith("http_") && lower.length() > 5) {
                    yield new Piece(Kind.HTTP, lower.substring(5).replace('_', '-'));
                } else if (lower.startsWith("cookie_") && lower.length() > 7) {
                    yield new Piece(Kind.COOKIE, name.substring(7));
                } else if (lower.startsWith("arg_") && lower.length() > 4) {
                    yield new Piece(Kind.ARG, name.substring(4));
                }
                yield new Piece(Kind.NONE, name);
            }
        };
    }

    /** Variable names in the template that Linnet does not evaluate (they hash as empty). */
    public List<String> unknownVariables() {
        return unknown;
    }

    /** The CRC-32 of the key's value for {@code request}, as ingress-nginx's {@code chash:find} computes it. */
    int hash(RequestContext request) {
        int crc = Crc32.START;
        HttpRequest head = request.request();
        for (Piece p : pieces) {
            switch (p.kind()) {
                case LITERAL -> crc = Crc32.update(crc, p.text());
                case REQUEST_URI -> crc = Crc32.update(crc, head.uri());
                case URI -> crc = Crc32.update(crc, request.path());
                case ARGS -> {
                    String uri = head.uri();
                    int q = uri.indexOf('?');
                    if (q >= 0) {
                        crc = Crc32.update(crc, uri, q + 1, uri.length());
                    }
                }
                case IS_ARGS -> crc = head.uri().indexOf('?') >= 0 ? Crc32.update(crc, "?") : crc;
                case REMOTE_ADDR -> crc = Crc32.update(crc, request.client().remoteAddr());
                case HOST -> crc = Crc32.update(crc, request.host());
                case SCHEME -> crc = Crc32.update(crc, request.tls() ? "https" : "http");
                case METHOD -> crc = Crc32.update(crc, head.method().name());
                case HTTP -> {
                    String v = new NettySplitRequest(head.headers()).header(p.text());
                    if (v != null) {
                        crc = Crc32.update(crc, v);
                    }
                }
                case COOKIE -> {
                    String v = new NettySplitRequest(head.headers()).cookie(p.text());
                    if (v != null) {
                        crc = Crc32.update(crc, v);
                    }
                }
                case ARG -> crc = arg(crc, head.uri(), p.text());
                case NONE -> { }
                default -> throw new IllegalStateException(p.kind().name());
            }
        }
        return Crc32.finish(crc);
    }

    /** nginx's {@code $arg_<name>}: the first {@code name=value} of the query, name ignoring case. */
    private static int arg(int crc, String uri, String name) {
        int i = uri.indexOf('?');
        if (i < 0) {
            return crc;
        }
        i++;
        int n = uri.length();
        while (i < n) {
            int end = uri.indexOf('&', i);
            if (end < 0) {
                end = n;
            }
            int eq = i + name.length();
            if (eq < end && uri.charAt(eq) == '=' && uri.regionMatches(true, i, name, 0, name.length())) {
                return Crc32.update(crc, uri, eq + 1, end);
            }
            i = end + 1;
        }
        return crc;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HashKey k && template.equals(k.template);
    }

    @Override
    public int hashCode() {
        return template.hashCode();
    }

    @Override
    public String toString() {
        return template;
    }
}
