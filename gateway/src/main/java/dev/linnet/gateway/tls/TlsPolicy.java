package dev.linnet.gateway.tls;

/**
 * The TLS protocols and cipher suites the HTTPS listener offers ({@code ssl-protocols},
 * {@code ssl-ciphers}).
 */
public record TlsPolicy() {

    /** ingress-nginx's defaults: TLS 1.2 and 1.3. */
    public static final TlsPolicy DEFAULT = new TlsPolicy();
}
