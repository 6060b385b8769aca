package dev.linnet.gateway.policy;

import dev.linnet.gateway.route.Backend;
import java.util.BitSet;
import java.util.Collection;
import java.util.Objects;
import java.util.function.Function;

/**
 * A route's error pages (annotations-spec.md §5): which statuses go to the error backend
 * ({@code custom-http-errors}, the annotation's list replacing the ConfigMap's), whether upstream
 * responses are intercepted too, and the backends that answer. It holds data only: the detour
 * itself is the proxy's ({@code proxy/ErrorPages}), which finds this policy on the route.
 *
 * <pre>
 *   listed status ─▶ the default-backend Service, if it has a ready endpoint
 *                 ─▶ else --default-backend-service, if it has one
 *                 ─▶ else the built-in default backend: 404
 * </pre>
 *
 * A route's rule Service without endpoints is proxied to {@link #backend()} when it has one
 * (§5.3), else answers 503 (and that 503 is intercepted when listed). The catch-all route of
 * {@code --default-backend-service} ({@link #catchAll()}) carries this policy only to say that
 * without endpoints it is the built-in 404.
 */
public final class CustomErrors implements Policy {

    private final BitSet codes; // never exposed: the policy stays immutable
    private final boolean interceptUpstream;
    private final Backend backend;
    private final Backend global;
    private final boolean catchAll;

    private CustomErrors(BitSet codes, boolean interceptUpstream, Backend backend, Backend global, boolean catchAll) {
        this.codes = codes;
        this.interceptUpstream = interceptUpstream;
        this.backend = backend;
        this.global = global;
        this.catchAll = catchAll;
    }

    /**
     * @param codes the statuses sent to the error backend (300-599; others are ignored)
     * @param interceptUpstream whether a proxied response with a listed status is intercepted too
     *     (nginx's {@code proxy_intercept_errors}); the gateway's own answers always are
     * @param backend the {@code default-backend} Service of the Ingress (its first port), or {@code null}
     * @param global the {@code --default-backend-service}, or {@code null}
     */
    public static CustomErrors of(Collection<Integer> codes, boolean interceptUpstream, Backend backend,
            Backend global) {
        BitSet set = new BitSet(600);
        for (int code : codes) {
            if (code >= 300 && code <= 599) {
                set.set(code);
            }
        }
        return new CustomErrors(set, interceptUpstream, backend, global, false);
    }

    /** The route of {@code --default-backend-service} for requests no Ingress matches. */
    public static CustomErrors catchAllOf() {
        return new CustomErrors(new BitSet(), false, null, null, true);
    }

    @Override
    public Step step() {
        return Step.CUSTOM_ERRORS;
    }

    /** Whether a gateway answer with this status goes to the error backend. */
    public boolean intercepts(int status) {
        return status >= 0 && codes.get(status);
    }

    /** Whether an upstream response with this status goes to the error backend. */
    public boolean interceptsUpstream(int status) {
        return interceptUpstream && intercepts(status);
    }

    /** The listed statuses, ascending (for /debug/routes and tests). */
    public int[] codes() {
        return codes.stream().toArray();
    }

    public boolean interceptUpstream() {
        return interceptUpstream;
    }

    /** The {@code default-backend} Service of the Ingress, or {@code null}. */
    public Backend backend() {
        return backend;
    }

    /** The {@code --default-backend-service}, or {@code null}. */
    public Backend global() {
        return global;
    }

    public boolean catchAll() {
        return catchAll;
    }

    /** Who answers a listed status now: a backend with a ready endpoint, or {@code null} for the built-in 404. */
    public Backend errorBackend() {
        if (backend != null && backend.hasEndpoints()) {
            return backend;
        }
        return global != null && global.hasEndpoints() ? global : null;
    }

    /** Where a request goes when its rule Service has no ready endpoint (§5.3), or {@code null}: 503. */
    public Backend standIn() {
        return backend != null && backend.hasEndpoints() ? backend : null;
    }

    /** This policy with its backends resolved again (the builder's endpoints-only path). */
    public CustomErrors rebind(Function<Backend, Backend> resolve) {
        return new CustomErrors(codes, interceptUpstream, backend == null ? null : resolve.apply(backend),
                global == null ? null : resolve.apply(global), catchAll);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CustomErrors c && codes.equals(c.codes) && interceptUpstream == c.interceptUpstream
                && Objects.equals(backend, c.backend) && Objects.equals(global, c.global) && catchAll == c.catchAll;
    }

    @Override
    public int hashCode() {
        return Objects.hash(codes, interceptUpstream, backend, global, catchAll);
    }

    @Override
    public String toString() {
        return "CustomErrors" + codes + (interceptUpstream ? "" : " (gateway answers only)")
                + (backend != null ? " backend " + backend.name() : "")
                + (global != null ? " global " + global.name() : "") + (catchAll ? " catch-all" : "");
    }
}
