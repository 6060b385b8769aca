package dev.linnet.gateway.policy;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.split.Decision;
import dev.linnet.gateway.upstream.EndpointChooser;

/**
 * A policy that decides where a request lands instead of the balancer (session affinity): a
 * client pinned to one side of a canary stays there, and inside the side to one pod. A route has
 * at most one; a route without one takes the split and the round robin as before, allocating nothing.
 */
public interface EndpointPolicy extends Policy {

    /**
     * Before the canary split, for a route with a canary that has endpoints: the side this client
     * is pinned to, or {@code null} to let the split's rules decide.
     */
    Decision pinned(RequestContext request, CanaryRule canary);

    /** The request's endpoint choice on {@code backend} (the side the split chose), or {@code null} for the balancer. */
    EndpointChooser chooser(RequestContext request, Backend backend);

    /**
     * Computes what this policy derives from {@code backend} (keys, rings) ahead of the first
     * request, on the control plane's thread; the builder calls it for every backend of its routes.
     */
    default void prepare(Backend backend) {
    }
}
