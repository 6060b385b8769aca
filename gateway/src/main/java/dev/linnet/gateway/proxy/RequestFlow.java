package dev.linnet.gateway.proxy;

import dev.linnet.gateway.policy.Answers;
import dev.linnet.gateway.policy.EndpointPolicy;
import dev.linnet.gateway.policy.Flow;
import dev.linnet.gateway.policy.Policies;
import dev.linnet.gateway.policy.RequestContext;
import dev.linnet.gateway.policy.RequestPolicy;
import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.split.Decision;
import dev.linnet.gateway.split.SplitDecider;
import dev.linnet.gateway.split.StickyCanary;
import dev.linnet.gateway.upstream.UpstreamPool;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetSocketAddress;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A routed request on its way to the proxy: the route's policies in nginx's stages, the canary
 * split between them, then the hand-over to an {@link Exchange}. A policy may answer (the
 * frontend sends the answer after the body), or suspend and resume from a callback on this
 * loop; while suspended nothing of the body is read, and a client that leaves abandons the flow.
 *
 * <pre>
 *   SERVER, REWRITE policies ─▶ split ─▶ ACCESS policies ─▶ FrontendHandler.proxy (503 / Exchange)
 *        └─ answer ──────────────────────────┴─▶ RESPONSE policies ─▶ FrontendHandler.answerAfterBody
 * </pre>
 *
 * A route without policies walks two empty arrays: the same path as before the seam existed.
 */
final class RequestFlow implements RequestContext {

    private static final Logger log = LoggerFactory.getLogger(RequestFlow.class);
    private static final int BEFORE_SPLIT = 0;
    private static final int ACCESS = 1;
    private static final int DONE = 2;

    private final FrontendHandler frontend;
    private final ProxyContext context;
    private final Channel channel;
    private final HttpRequest request;
    private final RequestHead head;
    private final Route route;
    private final RouteTable table;
    private final boolean tls;

    private int stage = BEFORE_SPLIT;
    private int next; // the next policy of the stage
    private boolean suspended;
    private boolean inPolicy; // a policy's onRequest is on the stack
    private boolean resumedEarly; // resume() came before its policy returned SUSPENDED
    private boolean abandoned;
    private Decision decision;
    private Object[] attachments; // key, value, key, value …; most requests have none
    private String issuedCanaryId; // a new sticky-canary assignment id, set on the response

    RequestFlow(FrontendHandler frontend, ProxyContext context, Channel channel, HttpRequest request, RequestHead head,
            Route route, RouteTable table, boolean tls) {
        this.frontend = frontend;
        this.context = context;
        this.channel = channel;
        this.request = request;
        this.head = head;
        this.route = route;
        this.table = table;
        this.tls = tls;
    }

    /** Runs the stages from where they stopped, up to an answer, a suspension, or the proxy. */
    void run() {
        Policies policies = route.policies();
        if (stage == BEFORE_SPLIT) {
            if (!runStage(policies.beforeSplit())) {
                return;
            }
            decision = pinned(policies.endpoint());
            if (decision == null) {
                decision = split();
            }
            frontend.routed(route, decision);
            stage = ACCESS;
            next = 0;
        }
        if (stage == ACCESS) {
            if (!runStage(policies.access())) {
                return;
            }
            stage = DONE;
            Backend backend = decision.isCanary() ? route.canary().backend() : route.backend();
            frontend.proxy(this, backend);
        }
    }

    /**
     * The side a session-affinity cookie pins this client to, before any canary rule (affinity-spec.md
     * §5.1); not with Linnet's sticky canary, whose key decides the side (the pod cookie then
     * applies inside it).
     */
    private Decision pinned(EndpointPolicy sticky) {
        CanaryRule canary = route.canary();
        if (sticky == null || canary == null || canary.sticky() != null || !canary.backend().hasEndpoints()) {
            return null;
        }
        return sticky.pinned(this, canary);
    }

    /** The canary split; with a sticky canary, the user's key (a new assignment id when it has none). */
    private Decision split() {
        CanaryRule canary = route.canary();
        NettySplitRequest split = new NettySplitRequest(request.headers());
        String key = null;
        if (canary != null && canary.sticky() != null) {
            key = canary.sticky().key(split);
            if (key == null) {
                key = issuedCanaryId = StickyCanary.newId(ThreadLocalRandom.current());
            }
        }
        return SplitDecider.decide(canary, split, ThreadLocalRandom.current(), key);
    }

    /** @return whether every policy of the stage let the request pass */
    private boolean runStage(RequestPolicy[] stagePolicies) {
        while (next < stagePolicies.length) {
            RequestPolicy policy = stagePolicies[next++];
            Flow flow;
            inPolicy = true;
            try {
                flow = policy.onRequest(this);
            } catch (RuntimeException e) {
                // A policy that breaks must not let the request through: security policies fail closed.
                log.warn("policy {} of Ingress {}/{} failed: answered 500", policy.step(), route.namespace(),
                        route.ingress(), e);
                flow = Flow.ANSWERED;
                answer(Answers.status(channel.alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR));
            } finally {
                inPolicy = false;
            }
            if (stage == DONE || abandoned) {
                return false; // answered (synchronously, or by a callback that ran inside)
            }
            if (flow == Flow.CONTINUE || flow == Flow.SUSPENDED && resumedEarly) {
                resumedEarly = false;
                continue;
            }
            if (flow == Flow.ANSWERED) { // said so without answering: a bug, and never a pass
                log.warn("policy {} said ANSWERED without an answer: 500", policy.step());
                answer(Answers.status(channel.alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR));
                return false;
            }
            suspended = true;
            return false;
        }
        return true;
    }

    @Override
    public void resume() {
        EventLoop loop = channel.eventLoop();
        if (!loop.inEventLoop()) {
            loop.execute(this::resume);
            return;
        }
        if (abandoned || stage == DONE) {
            return;
        }
        if (inPolicy) {
            resumedEarly = true;
            return;
        }
        if (!suspended) {
            throw new IllegalStateException("resume() without a suspended policy");
        }
        suspended = false;
        run();
    }

    @Override
    public void answer(FullHttpResponse response) {
        EventLoop loop = channel.eventLoop();
        if (!loop.inEventLoop()) {
            loop.execute(() -> answer(response));
            return;
        }
        if (abandoned || stage == DONE) {
            response.release();
            return;
        }
        stage = DONE;
        suspended = false;
        respond(response);
    }

    /** A local answer for this request: the RESPONSE policies see it, then the frontend sends it. */
    void respond(FullHttpResponse response) {
        stage = DONE;
        editResponse(response);
        frontend.answerAfterBody(response);
    }

    /** Whether {@link #editResponse} has anything to do (else the exchange skips it). */
    boolean editsResponses() {
        return issuedCanaryId != null || route.policies().editsResponses();
    }

    /** The route's RESPONSE policies, on a response head about to go to the client (local or proxied). */
    void editResponse(HttpResponse response) {
        if (issuedCanaryId != null) { // issue 17 §2: the id that decided this request
            response.headers().add(HttpHeaderNames.SET_COOKIE, route.canary().sticky().setCookie(issuedCanaryId, tls));
        }
        if (route.policies().editsResponses()) {
            try {
                route.policies().onResponse(this, response);
            } catch (RuntimeException e) { // an edit that breaks leaves the head as it was
                log.warn("response policy of Ingress {}/{} failed", route.namespace(), route.ingress(), e);
            }
        }
    }

    /** Whether the request is still in its policies (running or suspended), not yet answered or proxied. */
    boolean pending() {
        return stage != DONE;
    }

    /** The client went away: callbacks of suspended policies find nothing to do. */
    void abandon() {
        abandoned = true;
    }

    // ---- RequestContext ----

    @Override
    public HttpRequest request() {
        return request;
    }

    @Override
    public String host() {
        return head.host();
    }

    @Override
    public String authority() {
        return head.authority();
    }

    @Override
    public String path() {
        return head.path();
    }

    String rawPath() {
        return head.rawPath();
    }

    @Override
    public Route route() {
        return route;
    }

    @Override
    public RouteTable table() {
        return table;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return channel.remoteAddress() instanceof InetSocketAddress a ? a : null; // a stream's is its connection's
    }

    @Override
    public boolean tls() {
        return tls;
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public EventLoop eventLoop() {
        return channel.eventLoop();
    }

    @Override
    public GatewayConfig config() {
        return context.config();
    }

    @Override
    public UpstreamPool pool() {
        return context.pool();
    }

    @Override
    public boolean canary() {
        return decision != null && decision.isCanary();
    }

    @Override
    public Object attachment(Object key) {
        Object[] a = attachments;
        if (a != null) {
            for (int i = 0; i < a.length; i += 2) {
                if (a[i] == key) {
                    return a[i + 1];
                }
            }
        }
        return null;
    }

    @Override
    public void attach(Object key, Object value) {
        Object[] a = attachments;
        if (a == null) {
            attachments = new Object[] {key, value};
            return;
        }
        for (int i = 0; i < a.length; i += 2) {
            if (a[i] == key) {
                a[i + 1] = value;
                return;
            }
        }
        Object[] grown = java.util.Arrays.copyOf(a, a.length + 2);
        grown[a.length] = key;
        grown[a.length + 1] = value;
        attachments = grown;
    }

    @Override
    public boolean abandoned() {
        return abandoned;
    }
}
