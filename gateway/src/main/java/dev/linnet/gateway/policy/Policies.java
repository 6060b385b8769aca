package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A route's policies, sorted by {@link Step} and split per stage into arrays once, by the
 * builder, so a request only walks arrays (empty ones for a route without policies: {@link #NONE}).
 */
public final class Policies {

    private static final RequestPolicy[] NO_REQUEST = {};
    private static final UpstreamPolicy[] NO_UPSTREAM = {};
    private static final ResponsePolicy[] NO_RESPONSE = {};

    /** No policy: the request is proxied as routed. */
    public static final Policies NONE = new Policies(List.of());

    private final List<Policy> all; // sorted by step
    final RequestPolicy[] beforeSplit; // SERVER, then REWRITE
    final RequestPolicy[] access;
    private final UpstreamPolicy[] upstream;
    private final ResponsePolicy[] response;
    private final boolean satisfyAny;
    private final EndpointPolicy endpoint; // null: the split and the balancer decide

    private Policies(List<Policy> sorted) {
        this.all = sorted;
        List<RequestPolicy> before = new ArrayList<>();
        List<RequestPolicy> acc = new ArrayList<>();
        List<UpstreamPolicy> up = new ArrayList<>();
        List<ResponsePolicy> resp = new ArrayList<>();
        for (Policy p : sorted) {
            if (p instanceof RequestPolicy r) {
                (p.step().stage() == Stage.ACCESS ? acc : before).add(r);
            }
            if (p instanceof UpstreamPolicy u) {
                up.add(u);
            }
            if (p instanceof ResponsePolicy r) {
                resp.add(r);
            }
        }
        AccessRules.join(acc); // one allow/deny list per location, as nginx's
        this.beforeSplit = before.isEmpty() ? NO_REQUEST : before.toArray(NO_REQUEST);
        this.access = acc.isEmpty() ? NO_REQUEST : acc.toArray(NO_REQUEST);
        this.upstream = up.isEmpty() ? NO_UPSTREAM : up.toArray(NO_UPSTREAM);
        this.response = resp.isEmpty() ? NO_RESPONSE : resp.toArray(NO_RESPONSE);
        this.satisfyAny = sorted.contains(Satisfy.ANY);
        this.endpoint = find(sorted, EndpointPolicy.class);
    }

    /**
     * The policies in nginx's order. Two policies of one step keep their given order (the
     * controller adds them in annotation-family order).
     */
    public static Policies of(List<? extends Policy> policies) {
        requireNonNull(policies, "policies");
        if (policies.isEmpty()) {
            return NONE;
        }
        List<Policy> sorted = new ArrayList<>(policies);
        sorted.forEach(p -> requireNonNull(p, "policy"));
        sorted.sort(Comparator.comparing(Policy::step)); // stable
        return new Policies(List.copyOf(sorted));
    }

    public static Policies of(Policy... policies) {
        return of(Arrays.asList(policies));
    }

    /** Every policy, in step order. */
    public List<Policy> all() {
        return all;
    }

    public boolean isEmpty() {
        return all.isEmpty();
    }

    /** The first policy of {@code type}, or {@code null}. */
    public <T extends Policy> T find(Class<T> type) {
        return find(all, type);
    }

    private static <T extends Policy> T find(List<Policy> policies, Class<T> type) {
        for (Policy p : policies) {
            if (type.isInstance(p)) {
                return type.cast(p);
            }
        }
        return null;
    }

    /** These policies without those of {@code step} (the catch-all has no redirects, for one). */
    public Policies without(Step step) {
        List<Policy> kept = new ArrayList<>(all.size());
        for (Policy p : all) {
            if (p.step() != step) {
                kept.add(p);
            }
        }
        return kept.size() == all.size() ? this : of(kept);
    }

    /** These policies and {@code more}. */
    public Policies with(List<? extends Policy> more) {
        if (more.isEmpty()) {
            return this;
        }
        List<Policy> joined = new ArrayList<>(all);
        joined.addAll(more);
        return of(joined);
    }

    /** Whether any policy edits responses (else the proxy skips the response stage). */
    public boolean editsResponses() {
        return response.length > 0;
    }

    /** Runs the UPSTREAM stage on the head about to go upstream. */
    public void onUpstreamRequest(RequestContext request, HttpRequest head) {
        for (UpstreamPolicy p : upstream) {
            p.onUpstreamRequest(request, head);
        }
    }

    /** Runs the RESPONSE stage on a response head about to go to the client. */
    public void onResponse(RequestContext request, HttpResponse head) {
        for (ResponsePolicy p : response) {
            p.onResponse(request, head);
        }
    }

    /** The policy that pins sides and endpoints (session affinity), or {@code null}. */
    public EndpointPolicy endpoint() {
        return endpoint;
    }

    /** The SERVER and REWRITE policies, in order (for the proxy's request loop). */
    public RequestPolicy[] beforeSplit() {
        return beforeSplit;
    }

    /** Whether one passing access check suffices ({@link Satisfy}); else all must pass. */
    public boolean satisfyAny() {
        return satisfyAny;
    }

    /** The ACCESS policies, in order. */
    public RequestPolicy[] access() {
        return access;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Policies p && all.equals(p.all);
    }

    @Override
    public int hashCode() {
        return all.hashCode();
    }

    @Override
    public String toString() {
        return all.toString();
    }
}
