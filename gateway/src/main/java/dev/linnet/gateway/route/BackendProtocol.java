package dev.linnet.gateway.route;

/**
 * How the gateway talks to a backend's pods: ingress-nginx's {@code backend-protocol}
 * annotation. HTTP/1.1 unless the Ingress asks for TLS to the pod or for gRPC (HTTP/2).
 */
public enum BackendProtocol {
    HTTP,
    /** HTTP/1.1 over TLS to the pod. */
    HTTPS,
    /** HTTP/2 with prior knowledge (h2c) to the pod. */
    GRPC,
    /** HTTP/2 over TLS (ALPN h2) to the pod. */
    GRPCS;

    public boolean tls() {
        return this == HTTPS || this == GRPCS;
    }

    public boolean http2() {
        return this == GRPC || this == GRPCS;
    }
}
