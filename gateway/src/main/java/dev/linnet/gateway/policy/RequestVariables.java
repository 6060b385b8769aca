package dev.linnet.gateway.policy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.util.List;

/** The values of the nginx variables {@link NginxValue} knows, for one request. */
final class RequestVariables {

    /** The attachment under which a snippet's {@code rewrite} leaves the new {@code $uri} (and its args). */
    static final Object REWRITTEN = new Object();

    /** A rewritten {@code $uri} and {@code $args} ({@code args} null: the client's). */
    record Rewritten(String uri, String args) {
    }

    private RequestVariables() {
    }

    static String value(RequestContext r, String name) {
        return switch (name) {
            case "scheme" -> r.tls() ? "https" : "http";
            case "host", "server_name" -> r.host();
            case "http_host", "best_http_host" -> r.authority();
            case "request_uri" -> r.request().uri();
            case "uri" -> uri(r);
            case "args", "query_string" -> args(r);
            case "is_args" -> args(r).isEmpty() ? "" : "?";
            case "request_method" -> r.request().method().name();
            case "remote_addr" -> r.remoteAddress() == null ? "" : r.remoteAddress().getAddress().getHostAddress();
            case "server_port" -> NginxValue.serverPort(r);
            case "request_id" -> r.requestId().toString();
            case "namespace" -> r.route() == null ? "" : r.route().namespace();
            case "ingress_name" -> r.route() == null ? "" : r.route().ingress();
            case "service_name" -> r.route() == null ? "" : r.route().backend().service();
            case "service_port" -> r.route() == null ? "" : r.route().backend().port();
            default -> prefixed(r, name);
        };
    }

    private static String prefixed(RequestContext r, String name) {
        if (name.startsWith("http_")) {
            List<String> all = r.request().headers().getAll(name.substring(5).replace('_', '-'));
            return all.isEmpty() ? "" : String.join(", ", all);
        }
        if (name.startsWith("arg_")) {
            String wanted = name.substring(4); // nginx: the first, name case-insensitive, value as sent
            for (String pair : args(r).split("&")) {
                int eq = pair.indexOf('=');
                if ((eq < 0 ? pair : pair.substring(0, eq)).equalsIgnoreCase(wanted)) {
                    return eq < 0 ? "" : pair.substring(eq + 1);
                }
            }
            return "";
        }
        if (name.startsWith("cookie_")) {
            String header = r.request().headers().get(HttpHeaderNames.COOKIE);
            if (header != null) {
                for (Cookie c : ServerCookieDecoder.LAX.decodeAll(header)) {
                    if (c.name().equals(name.substring(7))) {
                        return c.value();
                    }
                }
            }
            return "";
        }
        throw new IllegalStateException("unknown variable: $" + name); // NginxValue.parse refuses these
    }

    static String uri(RequestContext r) {
        return r.attachment(REWRITTEN) instanceof Rewritten w ? w.uri() : r.path();
    }

    static String args(RequestContext r) {
        if (r.attachment(REWRITTEN) instanceof Rewritten w && w.args() != null) {
            return w.args();
        }
        String target = r.request().uri();
        int q = target.indexOf('?');
        return q < 0 ? "" : target.substring(q + 1);
    }
}
