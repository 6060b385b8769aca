package dev.linnet.gateway.policy;

/**
 * One per-Ingress feature on the request path (DESIGN.md "Route policies"): built once by the
 * controller from annotations, immutable, shared by every request of its routes and every event
 * loop. It takes part in a stage by implementing {@link RequestPolicy} (server, rewrite or access,
 * as its {@link #step()} says), {@link UpstreamPolicy} or {@link ResponsePolicy}; per-request state
 * lives in the {@link RequestContext}, never in the policy.
 *
 * <p>Implementations are records (or define value equality): equal annotations give equal
 * routing tables, which the builder's tests and the incremental build rely on.
 */
public interface Policy {

    /** Where this policy runs in nginx's order. */
    Step step();
}
