package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.route.BoundedPattern;
import dev.linnet.gateway.route.RequestPath;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.regex.Matcher;

/**
 * A snippet's rewrite-module directives, run in the order written as nginx's rewrite phase runs
 * them (docs/snippets.md): {@code return} answers; {@code rewrite} searches {@code $uri} (under the
 * paths' step budget) and either redirects or changes the URI that goes upstream. {@code set} was
 * resolved by the controller ({@link NginxValue}s carry the values).
 *
 * <pre>
 *   for each op:  return ─▶ answer (30x with Location, text, or the status alone)
 *                 rewrite, no match ─▶ next op
 *                 rewrite, match ─▶ redirect / permanent / absolute URL ─▶ 302 / 301 answer
 *                                 ─▶ else $uri (and $args) replaced; last / break ─▶ stop
 *   upstream head ─▶ the rewritten $uri?$args, escaped as nginx's proxy module does
 * </pre>
 *
 * A URI changed by a location's {@code rewrite … last} (or one without flag) makes nginx choose
 * the location again with the new {@code $uri}: the policy marks the request ({@link #relocation})
 * and the flow looks the route up again, as nginx does up to ten times. {@code break} keeps the
 * location. (A server-snippet takes no {@code rewrite}: the controller refuses it, as a request
 * no route matches never reaches the policies that would rewrite it.)
 *
 * @param step {@link Step#SERVER_SNIPPET} (server-snippet) or {@link Step#SNIPPET_REWRITE}
 */
public record SnippetRewrite(Step step, List<Op> ops) implements RequestPolicy, UpstreamPolicy {

    /** One directive. */
    public sealed interface Op permits Return, Rewrite {
    }

    /**
     * {@code return code [text|URL]} or {@code return URL} (code 302); {@code return 444} (without
     * text) closes the connection without a response, as nginx does.
     *
     * @param value the text or URL, or {@code null}
     */
    public record Return(int code, NginxValue value) implements Op {
    }

    /** {@code rewrite regex replacement [flag]}. */
    public record Rewrite(BoundedPattern regex, NginxValue replacement, Flag flag) implements Op {
        public Rewrite {
            requireNonNull(regex, "regex");
            requireNonNull(replacement, "replacement");
            requireNonNull(flag, "flag");
        }

        /** nginx: a replacement starting with http://, https:// or $scheme redirects whatever the flag. */
        boolean redirects() {
            String s = replacement.source();
            return flag == Flag.REDIRECT || flag == Flag.PERMANENT || s.startsWith("http://")
                    || s.startsWith("https://") || s.startsWith("$scheme");
        }
    }

    /** A rewrite's flag. */
    public enum Flag { NONE, LAST, BREAK, REDIRECT, PERMANENT }

    private static final Object RELOCATE = new Object();

    /** Carries a rewritten {@code $uri} upstream on a route chosen again, whose own policies have no rewrite. */
    public static final SnippetRewrite CARRY_URI = new SnippetRewrite(Step.SNIPPET_REWRITE, List.of());

    /**
     * The {@code $uri} to choose the location again with, once, after a rewrite that asks for it;
     * else {@code null}.
     */
    public static String relocation(RequestContext request) {
        if (request.attachment(RELOCATE) == null) {
            return null;
        }
        request.attach(RELOCATE, null);
        return RequestVariables.uri(request);
    }

    /** Whether a rewrite of this request asks for the location to be chosen again. */
    public static boolean relocating(RequestContext request) {
        return request.attachment(RELOCATE) != null;
    }

    public SnippetRewrite {
        requireNonNull(step, "step");
        ops = List.copyOf(ops);
        if (step != Step.SERVER_SNIPPET && step != Step.SNIPPET_REWRITE) {
            throw new IllegalArgumentException("step: " + step + " (expected: SERVER_SNIPPET or SNIPPET_REWRITE)");
        }
    }

    @Override
    public Flow onRequest(RequestContext request) {
        for (Op op : ops) {
            if (op instanceof Return r) {
                request.answer(answer(request, r));
                return Flow.ANSWERED;
            }
            Rewrite w = (Rewrite) op;
            String uri = RequestVariables.uri(request);
            Matcher m = w.regex.search(uri);
            if (m == null) {
                continue;
            }
            String result = w.replacement.expand(request, m);
            String args = RequestVariables.args(request);
            boolean keepArgs = !result.endsWith("?");
            if (!keepArgs) {
                result = result.substring(0, result.length() - 1);
            }
            int q = result.indexOf('?');
            if (w.redirects()) {
                String location = keepArgs && !args.isEmpty() ? result + (q < 0 ? '?' : '&') + args : result;
                request.answer(Answers.redirect(w.flag == Flag.PERMANENT ? 301 : 302, absolute(request, location)));
                return Flow.ANSWERED;
            }
            String newArgs = q < 0 ? (keepArgs ? null : "") : result.substring(q + 1)
                    + (keepArgs && !args.isEmpty() ? "&" + args : "");
            request.attach(RequestVariables.REWRITTEN,
                    new RequestVariables.Rewritten(q < 0 ? result : result.substring(0, q), newArgs));
            if (w.flag != Flag.BREAK) {
                request.attach(RELOCATE, Boolean.TRUE); // the location is chosen again with the new $uri
            }
            if (w.flag == Flag.LAST || w.flag == Flag.BREAK) {
                break;
            }
        }
        return Flow.CONTINUE;
    }

    @Override
    public void onUpstreamRequest(RequestContext request, HttpRequest upstream) {
        if (request.attachment(RequestVariables.REWRITTEN) instanceof RequestVariables.Rewritten w) {
            String args = RequestVariables.args(request);
            String path = w.uri().startsWith("/") ? w.uri() : "/" + w.uri(); // never an absolute-form target
            upstream.setUri(RequestPath.escapeNonAscii(RequestPath.escapeUri(path) + (args.isEmpty() ? "" : "?" + args)));
        }
    }

    private static FullHttpResponse answer(RequestContext request, Return r) {
        if (r.code == Answers.CloseConnection.STATUS) {
            return Answers.closeConnection(); // no response: the connection (HTTP/2: the stream) closes
        }
        HttpResponseStatus status = HttpResponseStatus.valueOf(r.code);
        String value = r.value == null ? null : r.value.expand(request, null);
        if (isRedirect(r.code) && value != null) {
            return Answers.redirect(r.code, absolute(request, value));
        }
        if (value != null) {
            return Answers.text(request.channel().alloc(), status, value);
        }
        if (r.code >= 400) {
            return Answers.status(request.channel().alloc(), status);
        }
        FullHttpResponse empty = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
        empty.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0); // Server: ResponseHeaders (server-tokens)
        return empty;
    }

    static boolean isRedirect(int code) {
        return code == 301 || code == 302 || code == 303 || code == 307 || code == 308;
    }

    /**
     * nginx's {@code absolute_redirect on} with ingress-nginx's {@code port_in_redirect off}: a
     * Location starting with {@code /} gets the scheme and the request's host.
     */
    static String absolute(RequestContext request, String location) {
        if (!location.startsWith("/")) {
            return location;
        }
        return (request.tls() ? "https://" : "http://") + request.host() + location;
    }
}
