package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.HttpHeaderNames;

/**
 * {@code app-root}: ingress-nginx writes {@code if ($uri = /) { return 302 $scheme://$http_host<root>; }}
 * into the server, so it answers the path {@code /} of the whole host, whatever Ingress or path
 * would match, before any location's CORS, redirects or ssl-redirect (annotations-spec.md §2.2).
 * {@code $uri} is the normalised path, so {@code /?q=1} matches too and the query is dropped; the
 * Host header keeps its port; the scheme is the connection's.
 *
 * @param root the path to redirect to, e.g. {@code /app}
 */
public record AppRoot(String root) implements RequestPolicy {

    public AppRoot {
        requireNonNull(root, "root");
    }

    @Override
    public Step step() {
        return Step.APP_ROOT;
    }

    @Override
    public Flow onRequest(RequestContext request) {
        if (!request.path().equals("/")) {
            return Flow.CONTINUE;
        }
        String httpHost = request.request().headers().get(HttpHeaderNames.HOST); // $http_host: as sent, port and all
        request.answer(Answers.redirect(302, (request.tls() ? "https://" : "http://")
                + (httpHost != null ? httpHost : request.host()) + root));
        return Flow.ANSWERED;
    }
}
