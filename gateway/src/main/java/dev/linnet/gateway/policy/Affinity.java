package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.split.Decision;
import dev.linnet.gateway.split.Reason;
import dev.linnet.gateway.split.Variant;
import dev.linnet.gateway.upstream.EndpointChooser;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;

/**
 * ingress-nginx's cookie session affinity ({@code affinity: cookie}, affinity-spec.md §4–§5): a
 * client keeps its pod, and its side of a canary, for as long as it sends the cookie back.
 *
 * <pre>
 *   split:    cookie's backend key = main's ─▶ stable  (whatever header, cookie or weight say)
 *             = canary's (canary sticky)   ─▶ canary
 *             else                         ─▶ the split's rules
 *   endpoint: StickySession on the chosen side (none on a legacy canary: its round robin)
 *   response: Set-Cookie when a new endpoint was picked and connected
 * </pre>
 *
 * It belongs to the routes of the Ingress that declares it (a deliberate difference from
 * ingress-nginx, where affinity belongs to the Service: #3168, #4211); a canary shares it unless
 * the canary says {@code affinity-canary-behavior: legacy}.
 *
 * @param persistent {@code affinity-mode: persistent}: a pinned pod that is gone means a new pick
 *     and a new cookie; balanced (default) rehashes the key onto the remaining pods and keeps it
 * @param changeOnFailure {@code session-cookie-change-on-failure}: a retry within one request picks
 *     a new pod instead of the pinned one
 */
public record Affinity(boolean persistent, boolean changeOnFailure, StickyCookie cookie)
        implements EndpointPolicy, ResponsePolicy {

    private static final Object SESSION = new Object(); // the request's StickySession

    public Affinity {
        requireNonNull(cookie, "cookie");
    }

    @Override
    public Step step() {
        return Step.AFFINITY;
    }

    @Override
    public Decision pinned(RequestContext request, CanaryRule canary) {
        String backendKey = backendKey(cookie.read(request.request().headers()));
        if (backendKey == null) {
            return null;
        }
        if (backendKey.equals(index(request.route().backend()).backendKey())) {
            return Decision.of(Variant.STABLE, Reason.AFFINITY);
        }
        if (!canary.legacyAffinity() && backendKey.equals(index(canary.backend()).backendKey())) {
            return Decision.of(Variant.CANARY, Reason.AFFINITY);
        }
        return null;
    }

    @Override
    public EndpointChooser chooser(RequestContext request, Backend backend) {
        if (request.canary() && request.servedCanary().legacyAffinity()) {
            return null; // a legacy canary has no affinity of its own
        }
        String value = cookie.read(request.request().headers());
        StickyIndex index = index(backend);
        String upstreamKey = upstreamKey(value);
        if (request.route().stickyCanary() != null && backendKey(value) != null
                && !backendKey(value).equals(index.backendKey())) {
            upstreamKey = null; // a sticky canary's key chose the other side: a new pod there, a new cookie
        }
        StickySession session = new StickySession(this, index, upstreamKey);
        request.attach(SESSION, session);
        return session;
    }

    @Override
    public void prepare(Backend backend) {
        index(backend);
    }

    @Override
    public void onResponse(RequestContext request, HttpResponse response) {
        if (request.attachment(SESSION) instanceof StickySession session) {
            String value = session.cookieValue();
            if (value != null) {
                response.headers().add(HttpHeaderNames.SET_COOKIE, cookie.header(value, request.route().match(),
                        request.tls(), request.request().headers().get(HttpHeaderNames.USER_AGENT),
                        System.currentTimeMillis()));
            }
        }
    }

    private static StickyIndex index(Backend backend) {
        return backend.derived(StickyIndex.class, StickyIndex::of);
    }

    /** The value's first non-empty {@code |}-separated piece, or {@code null}. */
    static String upstreamKey(String value) {
        return piece(value, 0);
    }

    /** The second piece (absent in the old one-piece format, which pins a pod but no side), or {@code null}. */
    static String backendKey(String value) {
        return piece(value, 1);
    }

    private static String piece(String value, int which) {
        if (value == null) {
            return null;
        }
        int seen = 0;
        int i = 0;
        int n = value.length();
        while (i < n) {
            int end = value.indexOf('|', i);
            if (end < 0) {
                end = n;
            }
            if (end > i) {
                if (seen++ == which) {
                    return value.substring(i, end);
                }
            }
            i = end + 1;
        }
        return null;
    }
}
