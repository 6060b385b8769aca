package dev.linnet.gateway.proxy;

import dev.linnet.gateway.policy.Answers;
import dev.linnet.gateway.policy.ClientView;
import dev.linnet.gateway.policy.EndpointPolicy;
import dev.linnet.gateway.policy.Flow;
import dev.linnet.gateway.policy.Policies;
import dev.linnet.gateway.policy.RequestContext;
import dev.linnet.gateway.policy.RequestPolicy;
import dev.linnet.gateway.policy.SnippetRewrite;
import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.split.Decision;
import dev.linnet.gateway.split.MultiCanary;
import dev.linnet.gateway.split.Pick;
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
 *   host's policies ─▶ body over the route's limit: 413; no route: 404
 *        │
 *   SERVER, REWRITE policies ─▶ split ─▶ ACCESS policies ─▶ FrontendHandler.proxy (503 / Exchange)
 *        └─ answer ──────────────────────────┴─▶ RESPONSE policies ─▶ FrontendHandler.answerAfterBody
 * </pre>
 *
 * The host's own policies ({@link dev.linnet.gateway.route.VirtualHost#policies()}: client
 * certificates) run first, before the location matters, so they also answer paths no route
 * matches; {@link #route()} is null for them. A host and route without policies walk three
 * empty arrays: the same path as before the seam existed.
 */
final class RequestFlow implements RequestContext {

    private static final Logger log = LoggerFactory.getLogger(RequestFlow.class);
    private static final int HOST = 0;
    private static final int BEFORE_SPLIT = 1;
    private static final int ACCESS = 2;
    private static final int DONE = 3;

    private final FrontendHandler frontend;
    private final ProxyContext context;
    private final Channel channel;
    private final HttpRequest request;
    private final RequestHead head;
    private final RequestPolicy[] hostPolicies; // the server's (client certificates), before the location's
    private Route route; // another after a rewrite that chooses the location again
    private final RouteTable table;
    private final boolean tls;
    private final ClientView client;

    private int relocations; // locations chosen again after rewrites (nginx stops at 10)
    private String relocatedPath; // the URI of the last of them
    private int stage = HOST;
    private int next; // the next policy of the stage
    private boolean suspended;
    private boolean inPolicy; // a policy's onRequest is on the stack
    private boolean resumedEarly; // resume() came before its policy returned SUSPENDED
    private boolean abandoned;
    private boolean deniedInPolicy; // satisfy any: the policy on the stack failed its check (deny)
    private boolean passedAsync; // satisfy any: a suspended access check passed (resume)
    private FullHttpResponse denied; // satisfy any: the answer kept while a later check may still pass
    private CharSequence requestId; // $req_id, made on first use
    private Decision decision;
    private CanaryRule served; // the canary the split chose, or null
    private int canaryIndex; // its index among the route's canaries (linnet.dev/multi-canary), else 0
    private Object[] attachments; // key, value, key, value …; most requests have none
    private String issuedCanaryId; // a new sticky-canary assignment id, set on the response

    RequestFlow(FrontendHandler frontend, ProxyContext context, Channel channel, HttpRequest request, RequestHead head,
            RequestPolicy[] hostPolicies, Route route, RouteTable table, boolean tls, ClientView client) {
        this.frontend = frontend;
        this.context = context;
        this.channel = channel;
        this.request = request;
        this.head = head;
        this.hostPolicies = hostPolicies;
        this.route = route;
        this.table = table;
        this.tls = tls;
        this.client = client;
    }

    /** Runs the stages from where they stopped, up to an answer, a suspension, or the proxy. */
    void run() {
        if (stage == HOST) {
            if (!runStage(hostPolicies)) {
                return;
            }
            if (hostPolicies.length > 0) { // else the frontend checked these before the flow began
                stage = DONE; // first: the answer may complete, and the next request arrive, inside the call
                if (frontend.refusedTooLarge(this) || route == null && frontend.notFound()) {
                    return;
                }
            }
            stage = BEFORE_SPLIT;
            next = 0;
        }
        while (stage == BEFORE_SPLIT) {
            if (!runStage(route.policies().beforeSplit())) {
                return;
            }
            String moved = SnippetRewrite.relocation(this);
            if (moved == null) {
                break;
            }
            if (!relocate(moved)) {
                return;
            }
        }
        Policies policies = route.policies();
        if (stage == BEFORE_SPLIT) {
            decision = pinned(policies.endpoint());
            if (decision == null) {
                decision = split();
            }
            if (served == null && decision.isCanary()) {
                served = route.canary();
            }
            frontend.routed(route, decision, canaryIndex);
            stage = ACCESS;
            next = 0;
        }
        if (stage == ACCESS) {
            if (!(policies.satisfyAny() ? runAnyAccess(policies.access()) : runStage(policies.access()))) {
                return;
            }
            stage = DONE;
            Backend backend = served != null ? served.backend() : route.backend();
            frontend.proxy(this, backend);
        }
    }

    /**
     * nginx's location search again, after a rewrite changed {@code $uri} ({@link SnippetRewrite}):
     * the route of the new URI on this host, whose rewrite-stage policies then run, but not the
     * server-snippet's again (the server's rewrite phase ran once, before any location); its body
     * limit applies. No route: 404; an eleventh search: 500, as nginx's "rewrite or internal redirection
     * cycle". Costs nothing unless a snippet rewrites.
     *
     * @return whether the flow goes on with the new route
     */
    private boolean relocate(String uri) {
        stage = DONE; // first: an answer below may complete, and the next request arrive, inside the call
        if (++relocations > 10) {
            log.warn("rewrite or internal redirection cycle on host {} (Ingress {}/{}): answered 500", head.host(),
                    route.namespace(), route.ingress());
            respond(Answers.status(channel.alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR));
            return false;
        }
        Route found;
        try {
            found = table.serverNormalised(head.host()).match(uri);
        } catch (dev.linnet.gateway.route.PathRegexException e) {
            frontend.regexFailed(e, head.host(), uri);
            return false;
        }
        if (found == null) {
            frontend.notFound();
            return false;
        }
        Policies kept = found.policies().without(dev.linnet.gateway.policy.Step.SERVER_SNIPPET);
        if (kept.find(SnippetRewrite.class) == null) {
            kept = kept.with(java.util.List.of(SnippetRewrite.CARRY_URI)); // the new $uri still goes upstream
        }
        relocatedPath = uri;
        route = found.withPolicies(kept);
        if (frontend.refusedTooLarge(this)) {
            return false;
        }
        stage = BEFORE_SPLIT;
        next = 0;
        return true;
    }

    /**
     * {@code satisfy: any}: the access checks run in order until one passes; the answers of those
     * that fail ({@link #deny}) are kept, and when none passes the kept one is sent (see
     * {@link dev.linnet.gateway.policy.Satisfy}).
     *
     * @return whether the request passes
     */
    private boolean runAnyAccess(RequestPolicy[] access) {
        if (passedAsync || access.length == 0 || runStage(access)) {
            passedAsync = false;
            releaseDenied();
            return true; // one check passed: the others are not asked
        }
        if (stage == DONE || abandoned || suspended) {
            return false;
        }
        FullHttpResponse answer = denied; // every check failed
        denied = null;
        respond(answer != null ? answer : Answers.status(channel.alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR));
        return false;
    }

    private void releaseDenied() {
        if (denied != null) {
            denied.release();
            denied = null;
        }
    }

    /**
     * The side a session-affinity cookie pins this client to, before any canary rule (affinity-spec.md
     * §5.1); with several canaries, the one whose backend the cookie names. Not with Linnet's sticky
     * canary, whose key decides the side (the pod cookie then applies inside it).
     */
    private Decision pinned(EndpointPolicy sticky) {
        if (sticky == null || route.canary() == null || route.stickyCanary() != null) {
            return null;
        }
        for (int i = 0; i < route.canaryCount(); i++) { // several canaries: the one the cookie names
            CanaryRule canary = route.canary(i);
            Decision pin = canary.backend().hasEndpoints() ? sticky.pinned(this, canary) : null;
            if (pin != null) {
                served = pin.isCanary() ? canary : null;
                canaryIndex = i;
                return pin;
            }
        }
        return null;
    }

    /** The canary split; with a sticky canary, the user's key (a new assignment id when it has none). */
    private Decision split() {
        NettySplitRequest split = new NettySplitRequest(request.headers());
        StickyCanary sticky = route.stickyCanary();
        String key = null;
        if (sticky != null) {
            key = sticky.key(split);
            if (key == null) {
                key = issuedCanaryId = StickyCanary.newId(ThreadLocalRandom.current());
            }
        }
        MultiCanary several = route.multiCanary();
        if (several == null) {
            return SplitDecider.decide(route.canary(), split, ThreadLocalRandom.current(), key);
        }
        Pick pick = several.decide(split, ThreadLocalRandom.current(), key);
        served = pick.canary();
        canaryIndex = Math.max(0, pick.index());
        return pick.decision();
    }

    /** @return whether every policy of the stage let the request pass (satisfy any: whether one passed) */
    private boolean runStage(RequestPolicy[] stagePolicies) {
        boolean any = stage == ACCESS && route.policies().satisfyAny();
        while (next < stagePolicies.length) {
            RequestPolicy policy = stagePolicies[next++];
            Flow flow;
            inPolicy = true;
            try {
                flow = policy.onRequest(this);
            } catch (RuntimeException e) {
                // A policy that breaks must not let the request through: security policies fail closed.
                log.warn("policy {} of {} failed: answered 500", policy.step(), route == null ? head.host()
                        : "Ingress " + route.namespace() + '/' + route.ingress(), e);
                flow = Flow.ANSWERED;
                answer(Answers.status(channel.alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR));
            } finally {
                inPolicy = false;
            }
            if (stage == DONE || abandoned) {
                return false; // answered (synchronously, or by a callback that ran inside)
            }
            if (deniedInPolicy) { // satisfy any: this check failed, the next may pass
                deniedInPolicy = false;
                resumedEarly = false;
                continue;
            }
            if (flow == Flow.DECLINED) { // no rule for this client: on, but under satisfy any no pass
                continue;
            }
            if (flow == Flow.CONTINUE || flow == Flow.SUSPENDED && resumedEarly) {
                resumedEarly = false;
                if (any || stage == BEFORE_SPLIT && SnippetRewrite.relocating(this)) {
                    return true; // one passing check suffices; or a rewrite chose another location
                }
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
        return !any || denied == null; // satisfy any: every check declined, none failed (nginx's access_code 0)
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
        passedAsync = stage == ACCESS && route.policies().satisfyAny();
        run();
    }

    @Override
    public void deny(int code, FullHttpResponse response) {
        EventLoop loop = channel.eventLoop();
        if (!loop.inEventLoop()) {
            loop.execute(() -> deny(code, response));
            return;
        }
        if (!(stage == ACCESS && route.policies().satisfyAny()) || abandoned || stage == DONE) {
            answer(response); // satisfy all: the first failing check answers
            return;
        }
        if (denied == null || code == HttpResponseStatus.UNAUTHORIZED.code()) { // 401 beats 403
            releaseDenied();
            denied = response;
        } else {
            response.release();
        }
        if (inPolicy) {
            deniedInPolicy = true;
            return;
        }
        if (!suspended) {
            throw new IllegalStateException("deny() without a suspended policy");
        }
        suspended = false;
        run();
    }

    /**
     * {@code $req_id} (annotations-spec.md §4.4): the client's non-empty {@code X-Request-ID}, else
     * one made once ({@code generate-request-id}, default true), else empty; a subrequest, the
     * proxied request and the access log carry the same.
     */
    @Override
    public CharSequence requestId() {
        if (requestId == null) {
            String sent = request.headers().get(ProxyHeaders.X_REQUEST_ID);
            requestId = sent != null && !sent.isEmpty() ? sent
                    : context.config().clientTrust().generateRequestId() ? RequestIds.next() : "";
        }
        return requestId;
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
        releaseDenied(); // satisfy any: a kept denial that another answer (a 500) overtook
        if (response instanceof Answers.CloseConnection) { // return 444: no error page, no response edits
            response.release();
            frontend.closeWithoutAnswer();
            return;
        }
        if (ErrorPages.intercepts(this, response.status().code(), false)) { // custom-http-errors
            response.release();
            frontend.divert(response.status().code(), false, true);
            return;
        }
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
            response.headers().add(HttpHeaderNames.SET_COOKIE, route.stickyCanary().setCookie(issuedCanaryId, tls));
        }
        if (route != null && route.policies().editsResponses()) {
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
        releaseDenied();
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

    /** The path the route was chosen by: the client's, or the URI a rewrite chose the location again with. */
    String routedPath() {
        return relocatedPath != null ? relocatedPath : head.path();
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
        return client.address();
    }

    @Override
    public ClientView client() {
        return client;
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
    public CanaryRule servedCanary() {
        return served;
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
