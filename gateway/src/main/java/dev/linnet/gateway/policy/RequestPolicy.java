package dev.linnet.gateway.policy;

/** A policy that looks at the request before it is proxied, and may answer it or wait. */
public interface RequestPolicy extends Policy {

    /** Runs on the request's event loop; never blocks it. */
    Flow onRequest(RequestContext request);
}
