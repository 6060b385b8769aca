package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

/**
 * {@code temporal-redirect} or {@code permanent-redirect}: the location's {@code return <code> <url>}
 * at the end of its rewrite phase (annotations-spec.md §2.2), so after a CORS preflight and before
 * ssl-redirect, the canary choice and every access check: a TLS host sends plain-HTTP clients
 * straight to the URL, and a client outside an allowlist gets the redirect, not a 403.
 *
 * <p>The URL is sent as written: the request's path and query are not appended. A URL that starts
 * with {@code /} is made absolute as nginx's {@code absolute_redirect} does,
 * {@code <scheme>://<host without port><url>}, unless {@code relative-redirects}.
 *
 * @param code the status (300-308)
 * @param url the Location
 * @param relative {@code relative-redirects}: a {@code /} URL stays relative
 */
public record Redirect(int code, String url, boolean relative) implements RequestPolicy {

    public Redirect {
        if (code < 300 || code > 308) {
            throw new IllegalArgumentException("code: " + code + " (expected: 300-308)");
        }
        requireNonNull(url, "url");
    }

    @Override
    public Step step() {
        return Step.REDIRECT;
    }

    @Override
    public Flow onRequest(RequestContext request) {
        request.answer(Answers.redirect(code, location(request)));
        return Flow.ANSWERED;
    }

    private String location(RequestContext request) {
        if (relative || !url.startsWith("/") || request.host().isEmpty()) {
            return url;
        }
        // nginx: the connection's scheme, the validated Host (lower case, no port: port_in_redirect off)
        return (request.tls() ? "https://" : "http://") + request.host() + url;
    }
}
