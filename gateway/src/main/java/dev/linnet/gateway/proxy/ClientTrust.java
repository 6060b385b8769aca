package dev.linnet.gateway.proxy;

/**
 * Whose word the gateway takes for the client's address, scheme, host and port, and what it
 * tells the upstream about them (annotations-spec.md §4, §3.1): forwarded headers, real IP,
 * PROXY protocol, request ids. From the controller ConfigMap.
 */
public record ClientTrust() {

    /** ingress-nginx's defaults: only the TCP peer counts. */
    public static final ClientTrust DEFAULT = new ClientTrust();
}
