package dev.linnet.gateway.proxy;

/**
 * Headers the gateway itself puts on responses (annotations-spec.md §8.4, §3.5): HSTS, the
 * {@code Server} header ({@code server-tokens}), the ConfigMap's {@code add-headers}.
 */
public record ResponseHeaders() {

    /** ingress-nginx's defaults. */
    public static final ResponseHeaders DEFAULT = new ResponseHeaders();
}
