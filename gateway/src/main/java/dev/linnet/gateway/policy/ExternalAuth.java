package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code auth-url} (auth-limits-spec.md §3): nginx's {@code auth_request}. In the access stage the
 * request waits for a bodiless subrequest to the auth service ({@link AuthSubrequest}, or an answer
 * kept by {@link AuthCache}); the answer decides:
 *
 * <pre>
 *   2xx            ─▶ proxied; auth-response-headers copied onto the upstream head (absent: removed)
 *   401            ─▶ 302 to auth-signin (rd appended) if set, else 401 with every WWW-Authenticate
 *   403            ─▶ 403
 *   other, failure ─▶ 500
 *   the auth Set-Cookies go on the final response, one header each, for nginx's statuses (or always)
 * </pre>
 *
 * @param url the auth service URL, interpolated per request and used verbatim
 * @param method {@code auth-method}, or {@code null}: GET, without X-Original-URI / X-Scheme
 * @param signin {@code auth-signin} with the redirect parameter already appended, or {@code null}
 * @param responseHeaders {@code auth-response-headers}: copied from the auth answer to the upstream request
 * @param requestRedirect {@code auth-request-redirect}, or {@code null}: {@code $request_uri}
 * @param proxySetHeaders {@code auth-proxy-set-headers}: extra headers of the subrequest, in order
 * @param cacheKey {@code auth-cache-key}, or {@code null}: no caching
 * @param cacheDurations {@code auth-cache-duration}: how long answers of each status are kept
 * @param alwaysSetCookie {@code auth-always-set-cookie}: the auth Set-Cookie on every status
 */
public record ExternalAuth(AuthTemplate url, String method, AuthTemplate signin, List<String> responseHeaders,
        String requestRedirect, List<SetHeader> proxySetHeaders, AuthTemplate cacheKey,
        Map<Integer, Duration> cacheDurations, boolean alwaysSetCookie)
        implements RequestPolicy, UpstreamPolicy, ResponsePolicy {

    /** One {@code auth-proxy-set-headers} entry. */
    public record SetHeader(String name, AuthTemplate value) {
    }

    /** ingress-nginx's default {@code auth-cache-duration}: {@code 200 202 401 5m}. */
    public static final Map<Integer, Duration> DEFAULT_CACHE_DURATIONS = Map.of(
            200, Duration.ofMinutes(5), 202, Duration.ofMinutes(5), 401, Duration.ofMinutes(5));

    /** The statuses nginx's {@code add_header} (no {@code always}) puts the auth cookie on. */
    private static final Set<Integer> COOKIE_STATUSES = Set.of(200, 201, 204, 206, 301, 302, 303, 304, 307, 308);

    private static final Logger log = LoggerFactory.getLogger(ExternalAuth.class);
    private static final Object KEY = new Object(); // this request's auth answer, for the later stages

    private static final AsciiString X_ORIGINAL_URL = AsciiString.cached("x-original-url");
    private static final AsciiString X_ORIGINAL_METHOD = AsciiString.cached("x-original-method");
    private static final AsciiString X_SENT_FROM = AsciiString.cached("x-sent-from");
    private static final AsciiString X_REAL_IP = AsciiString.cached("x-real-ip");
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_AUTH_REQUEST_REDIRECT = AsciiString.cached("x-auth-request-redirect");
    private static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    private static final AsciiString X_ORIGINAL_URI = AsciiString.cached("x-original-uri");
    private static final AsciiString X_SCHEME = AsciiString.cached("x-scheme");
    /** Not passed to the auth service: hop-by-hop, the body's framing, and X-Forwarded-Proto (nginx sets it ""). */
    private static final Set<AsciiString> NOT_COPIED = Set.of(AsciiString.cached("connection"),
            AsciiString.cached("keep-alive"), AsciiString.cached("proxy-connection"), AsciiString.cached("te"),
            AsciiString.cached("trailer"), AsciiString.cached("upgrade"), AsciiString.cached("transfer-encoding"),
            AsciiString.cached("content-length"), AsciiString.cached("expect"), X_FORWARDED_PROTO,
            AsciiString.cached("host"));

    /** This auth with {@code more} headers after its own ({@code auth-snippet}'s {@code proxy_set_header}). */
    public ExternalAuth withProxySetHeaders(List<SetHeader> more) {
        List<SetHeader> all = new java.util.ArrayList<>(proxySetHeaders);
        all.addAll(more);
        return new ExternalAuth(url, method, signin, responseHeaders, requestRedirect, all, cacheKey, cacheDurations,
                alwaysSetCookie);
    }

    public ExternalAuth {
        requireNonNull(url, "url");
        responseHeaders = List.copyOf(responseHeaders);
        proxySetHeaders = List.copyOf(proxySetHeaders);
        cacheDurations = Map.copyOf(cacheDurations);
    }

    /**
     * {@code auth-signin} as ingress-nginx's {@code buildAuthSignURL} completes it: the redirect
     * parameter {@code <param>=$pass_access_scheme://$http_host$escaped_request_uri} appended with
     * {@code ?} or {@code &}, unless the URL's query already has that parameter (the oauth2-proxy
     * recipe {@code …/oauth2/start?rd=$escaped_request_uri}).
     */
    public static String signinWithRedirect(String signin, String param) {
        int q = signin.indexOf('?');
        String query = q < 0 ? "" : signin.substring(q + 1);
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(param) && eq + 1 < pair.length()) {
                return signin;
            }
        }
        return signin + (query.isEmpty() ? (q < 0 ? "?" : "") : "&") + param
                + "=$pass_access_scheme://$http_host$escaped_request_uri";
    }

    @Override
    public Step step() {
        return Step.EXTERNAL_AUTH;
    }

    // ---- access ----

    @Override
    public Flow onRequest(RequestContext request) {
        String cacheEntry = cacheKey == null ? null : AuthCache.key(request, cacheKey.evaluate(request));
        AuthCache.Answer cached = cacheEntry == null ? null : AuthCache.get(cacheEntry);
        if (cached != null) {
            return decide(request, cached.status(), cached.headers()) ? Flow.CONTINUE : Flow.ANSWERED;
        }
        URI target;
        try {
            target = URI.create(url.evaluate(request));
        } catch (IllegalArgumentException e) {
            return fail(request); // a variable made the URL unusable: nginx's 500 for the subrequest
        }
        if (target.getHost() == null) {
            return fail(request);
        }
        AuthSubrequest.send(request, target, method == null ? HttpMethod.GET : HttpMethod.valueOf(method),
                subrequestHeaders(request, target), (head, failure) -> {
                    if (request.abandoned()) {
                        return;
                    }
                    if (head == null) {
                        log.debug("auth subrequest to {} for Ingress {}/{} failed: {}", target,
                                request.route().namespace(), request.route().ingress(), String.valueOf(failure));
                        request.answer(status(request, HttpResponseStatus.INTERNAL_SERVER_ERROR));
                        return;
                    }
                    try {
                        if (cacheEntry != null) {
                            AuthCache.offer(cacheEntry, head, cacheDurations);
                        }
                        if (decide(request, head.status().code(), head.headers())) {
                            request.resume();
                        }
                    } catch (RuntimeException e) { // as a policy that throws: 500, never a request left waiting
                        log.warn("auth answer of {} for Ingress {}/{} failed: answered 500", target,
                                request.route().namespace(), request.route().ingress(), e);
                        request.answer(status(request, HttpResponseStatus.INTERNAL_SERVER_ERROR));
                    }
                });
        return Flow.SUSPENDED;
    }

    private static Flow fail(RequestContext request) {
        request.answer(status(request, HttpResponseStatus.INTERNAL_SERVER_ERROR));
        return Flow.ANSWERED;
    }

    private static FullHttpResponse status(RequestContext request, HttpResponseStatus status) {
        return Answers.status(request.channel().alloc(), status);
    }

    /**
     * The auth answer's verdict (§3.3); answers the request unless it passes.
     *
     * @return whether the request passes
     */
    private boolean decide(RequestContext request, int status, HttpHeaders auth) {
        request.attach(KEY, auth);
        if (status >= 200 && status < 300) {
            return true;
        }
        if (status == 401) {
            FullHttpResponse answer;
            if (signin != null) {
                answer = Answers.redirect(302, signin.evaluate(request));
            } else {
                answer = Answers.text(request.channel().alloc(), HttpResponseStatus.UNAUTHORIZED,
                        "401 Authorization Required\n");
                for (String challenge : auth.getAll(HttpHeaderNames.WWW_AUTHENTICATE)) {
                    answer.headers().add(HttpHeaderNames.WWW_AUTHENTICATE, challenge);
                }
            }
            request.deny(401, answer);
        } else if (status == 403) {
            request.deny(403, status(request, HttpResponseStatus.FORBIDDEN));
        } else {
            log.debug("auth request unexpected status: {} (Ingress {}/{}): 500", status, request.route().namespace(),
                    request.route().ingress());
            request.answer(status(request, HttpResponseStatus.INTERNAL_SERVER_ERROR));
        }
        return false;
    }

    /** The subrequest's headers (§3.2): the client's, then nginx's auth location's own, then auth-proxy-set-headers. */
    private HttpHeaders subrequestHeaders(RequestContext request, URI target) {
        HttpRequest client = request.request();
        HttpHeaders h = new DefaultHttpHeaders();
        for (var it = client.headers().iteratorCharSequence(); it.hasNext(); ) {
            var e = it.next();
            if (!NOT_COPIED.contains(AsciiString.of(e.getKey()).toLowerCase())) {
                h.add(e.getKey(), e.getValue());
            }
        }
        String clientAddress = request.client().remoteAddr();
        String scheme = request.tls() ? "https" : "http";
        h.set(HttpHeaderNames.HOST, target.getHost()) // the auth URL's host, without port
                .set(X_ORIGINAL_URL, scheme + "://" + request.authority() + client.uri())
                .set(X_ORIGINAL_METHOD, client.method().name())
                .set(X_SENT_FROM, "nginx-ingress-controller")
                .set(X_REAL_IP, clientAddress)
                .set(X_FORWARDED_FOR, clientAddress)
                .set(X_AUTH_REQUEST_REDIRECT, requestRedirect == null ? client.uri() : requestRedirect)
                .set(X_REQUEST_ID, request.requestId());
        if (request.requestId().length() == 0) {
            h.remove(X_REQUEST_ID); // generate-request-id off and none sent: nginx sends no empty header
        }
        if (method != null) {
            h.set(X_ORIGINAL_URI, client.uri()).set(X_SCHEME, scheme);
        }
        for (SetHeader s : proxySetHeaders) {
            h.set(s.name(), s.value().evaluate(request));
        }
        return h;
    }

    // ---- upstream request ----

    /**
     * Each {@code auth-response-headers} name takes the auth answer's value (several joined with
     * {@code ", "}) or is removed: a client's copy never reaches the backend (e2e E11, E28).
     */
    @Override
    public void onUpstreamRequest(RequestContext request, HttpRequest upstream) {
        HttpHeaders auth = (HttpHeaders) request.attachment(KEY);
        for (String name : responseHeaders) {
            List<String> values = auth == null ? List.of() : auth.getAll(name);
            if (values.isEmpty()) {
                upstream.headers().remove(name);
            } else {
                upstream.headers().set(name, String.join(", ", values));
            }
        }
    }

    // ---- response ----

    /**
     * The auth answer's cookies, each as its own {@code Set-Cookie} (a deliberate difference: nginx
     * joins them into one header, which breaks oauth2-proxy's split session cookies).
     */
    @Override
    public void onResponse(RequestContext request, HttpResponse response) {
        HttpHeaders auth = (HttpHeaders) request.attachment(KEY);
        if (auth == null || !(alwaysSetCookie || COOKIE_STATUSES.contains(response.status().code()))) {
            return;
        }
        for (String cookie : auth.getAll(HttpHeaderNames.SET_COOKIE)) {
            response.headers().add(HttpHeaderNames.SET_COOKIE, cookie);
        }
    }
}
