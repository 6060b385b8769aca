package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

/**
 * The twin host of {@code from-to-www-redirect} ({@code www.H} for {@code H}, or {@code H} without
 * {@code www.}): ingress-nginx generates a server of its own for it that answers every request
 * with {@code http-redirect-code} (308 by default, read per request) to
 * {@code <scheme>://H:<port><request URI without one trailing slash>} (ngx_srv_redirect.lua,
 * annotations-spec.md §2.2). The port is always written (R5, R6): the published one, 80 or 443, as
 * {@code X-Forwarded-Port} says it (§4.6), whatever port Linnet listens on. The query is kept.
 * Nothing else of the Ingress runs on the twin (no CORS, no auth).
 *
 * @param target the host redirected to ({@code H})
 */
public record WwwRedirect(String target) implements RequestPolicy {

    public WwwRedirect {
        requireNonNull(target, "target");
    }

    @Override
    public Step step() {
        return Step.WWW_REDIRECT;
    }

    @Override
    public Flow onRequest(RequestContext request) {
        String origin = request.tls() ? "https://" + target + ":443" : "http://" + target + ":80";
        request.answer(Answers.redirect(request.config().httpRedirectCode(),
                origin + SslRedirect.location(request.request().uri(), false)));
        return Flow.ANSWERED;
    }
}
