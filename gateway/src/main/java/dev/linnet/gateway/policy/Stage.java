package dev.linnet.gateway.policy;

/**
 * nginx's request phases, as far as per-Ingress features use them (DESIGN.md "Route policies").
 * Policies of one stage run in their {@link Step} order; the stages run in this order, with the
 * canary split between {@link #REWRITE} and {@link #ACCESS} (ingress-nginx decides the canary in
 * {@code rewrite_by_lua}, after the rewrite module's {@code return}s).
 */
public enum Stage {
    /** Server rewrite: before the location is chosen (aliases, www redirect, host-wide 403). */
    SERVER,
    /** Location rewrite: local answers that need no client identity (503 deny, CORS preflight, redirects). */
    REWRITE,
    /** Access: who may pass (deny / allow lists, rate limits, basic / external / certificate auth). */
    ACCESS,
    /** The request about to go upstream: header edits. */
    UPSTREAM,
    /** The response about to go to the client, proxied or local: header edits. */
    RESPONSE
}
