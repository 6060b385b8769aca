package dev.linnet.gateway.policy;

/**
 * Every policy family's place in nginx's order, in one list so the order users relied on is
 * read in one place. {@link Policies} sorts a route's policies by it; within a stage, earlier
 * steps run first. A family that acts in several stages (external auth: access, upstream request,
 * response) has one step; the stage it runs in is decided by the interfaces it implements.
 */
public enum Step {
    /** Server: a {@code from-to-www-redirect} twin host answers every request with a redirect to its twin. */
    WWW_REDIRECT(Stage.SERVER),
    /** Server: a host-wide verdict (client certificates: {@code auth-tls-*} errors, match-cn). */
    HOST_ACCESS(Stage.SERVER),
    /** Server: {@code app-root}, a 302 for the path {@code /} of the whole host. */
    APP_ROOT(Stage.SERVER),
    /** Server: a {@code server-snippet}'s {@code return} (nginx's server rewrite phase, before the location). */
    SERVER_SNIPPET(Stage.SERVER),
    /** Rewrite: an Ingress whose security annotations cannot be built answers 503 (ingress-nginx's DENY). */
    DENY(Stage.REWRITE),
    /** Rewrite: {@code enable-cors}: the preflight's 204 here, the headers on every response. */
    CORS(Stage.REWRITE),
    /** Rewrite: {@code temporal-redirect}, else {@code permanent-redirect}: the location's {@code return}. */
    REDIRECT(Stage.REWRITE),
    /**
     * Rewrite: a {@code configuration-snippet}'s {@code return} and {@code rewrite}, in the location's
     * rewrite-module order; before ssl-redirect, which ingress-nginx runs in {@code rewrite_by_lua}
     * at the end of the phase. (The annotations' {@code return}s, redirects, come before it.)
     */
    SNIPPET_REWRITE(Stage.REWRITE),
    /** Rewrite: plain HTTP to HTTPS ({@code ssl-redirect}, {@code force-ssl-redirect}). */
    SSL_REDIRECT(Stage.REWRITE),
    /** Access: {@code denylist-source-range}, then {@code allowlist-source-range}. */
    SOURCE_RANGES(Stage.ACCESS),
    /** Access: a snippet's {@code allow} / {@code deny}, after the annotations' lists in the same location. */
    SNIPPET_ACCESS(Stage.ACCESS),
    /** Access: {@code auth-type: basic|digest}. */
    BASIC_AUTH(Stage.ACCESS),
    /** Access: {@code auth-url}. */
    EXTERNAL_AUTH(Stage.ACCESS),
    /** Upstream: the endpoint a session cookie pins ({@code affinity: cookie}), and its {@code Set-Cookie}. */
    AFFINITY(Stage.UPSTREAM),
    /** Upstream: the endpoint a hash of request variables picks ({@code upstream-hash-by}); not with affinity. */
    HASH_BY(Stage.UPSTREAM),
    /** Upstream: the endpoint with the lower response-time average of two random ones ({@code load-balance: ewma}). */
    LOAD_BALANCE(Stage.UPSTREAM),
    /** Upstream: {@code upstream-vhost}, {@code x-forwarded-prefix}, {@code connection-proxy-header}, snippet edits. */
    UPSTREAM_HEADERS(Stage.UPSTREAM),
    /**
     * Response: {@code proxy-redirect-*}, {@code proxy-cookie-*} (Location, Refresh and Set-Cookie
     * rewriting), as nginx's proxy module copies the upstream head, before the header filters.
     */
    PROXY_REDIRECT(Stage.RESPONSE),
    /** Response: {@code custom-headers} and snippet header edits ({@code more_set_headers}, {@code add_header} …). */
    RESPONSE_HEADERS(Stage.RESPONSE),
    /** Response: listed statuses go to the error backend ({@code custom-http-errors}, {@code default-backend}). */
    CUSTOM_ERRORS(Stage.RESPONSE);

    private final Stage stage;

    Step(Stage stage) {
        this.stage = stage;
    }

    /** The stage a request policy of this step runs in (upstream and response edits run in theirs). */
    public Stage stage() {
        return stage;
    }
}
