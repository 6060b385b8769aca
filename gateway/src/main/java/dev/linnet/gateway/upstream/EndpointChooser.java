package dev.linnet.gateway.upstream;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.Endpoint;

/**
 * One request's own endpoint choice, replacing the backend's round robin for its tries (session
 * affinity: the pod a cookie pins). Created per request by the route's endpoint policy, so it may
 * keep state; a request without one takes {@link Backend#nextIndex} as before.
 */
public interface EndpointChooser {

    /**
     * The index in {@code backend}'s endpoints for the next try; {@code retry} when an earlier try
     * of this request failed. {@code fitness} ranks endpoints as the round robin would (tried by
     * this request, skipped by the passive health check).
     */
    int choose(Backend backend, Backend.Fitness fitness, boolean retry);

    /** The endpoint of the last {@link #choose} accepted a connection. */
    void connected();

    /** {@code endpoint} sent this request's response head (the ewma balancer times it). */
    default void answered(Endpoint endpoint) {
    }
}
