package dev.linnet.controller.config;

import java.util.List;
import java.util.Set;

/**
 * The controller ConfigMap's keys, by family, and the ingress-nginx keys Linnet reads but does
 * not act on. A family reads its keys from {@link ConfigMapData} and writes into the
 * {@link SettingsBuilder}; {@link ConfigMapReader} reports every key present that no family read,
 * once per change: as not implemented, as nginx tuning without meaning here, or as unknown
 * (ingress-nginx ignores unknown keys silently; Linnet says so, so a typo is visible).
 */
final class ConfigMapKeys {

    private ConfigMapKeys() {
    }

    /** One family of keys. */
    interface Family {
        void read(ConfigMapData data, SettingsBuilder out);
    }

    /** Every family, in the order they read (a later one may build on an earlier one's settings). */
    static final List<Family> FAMILIES = List.of(
            LimitKeys::read,
            ClientTrustKeys::read,
            ResponseKeys::read,
            AccessLogKeys::read,
            DefaultKeys::read,
            ErrorPageKeys::read,
            HeaderKeys::read,
            BufferKeys::read,
            BlockKeys::read);

    /**
     * ingress-nginx keys with a meaning Linnet does not implement (yet): a warning lists those
     * present. A family that implements one removes it from here.
     */
    static final Set<String> NOT_IMPLEMENTED = Set.of(
            "access-log-params",
            "bind-address",
            "client-header-buffer-size",
            "default-type",
            "enable-auth-access-log",
            "enable-syslog",
            "global-rate-limit-memcached-connect-timeout",
            "global-rate-limit-memcached-host",
            "global-rate-limit-memcached-max-idle-timeout",
            "global-rate-limit-memcached-pool-size",
            "global-rate-limit-memcached-port",
            "global-rate-limit-status-code",
            "ignore-invalid-headers",
            "limit-conn-status-code",
            "limit-conn-zone-variable",
            "limit-rate",
            "limit-rate-after",
            "limit-req-status-code",
            "max-worker-connections",
            "proxy-max-temp-file-size",
            "syslog-host",
            "syslog-port",
            "upstream-keepalive-connections",
            "upstream-keepalive-requests",
            "upstream-keepalive-time",
            "upstream-keepalive-timeout",
            "worker-shutdown-timeout");

    /** ingress-nginx keys that tune nginx itself, or raw nginx configuration: no meaning in Linnet. */
    static final Set<String> NGINX_ONLY = Set.of(
            "allow-snippet-annotations",
            "annotation-value-word-blocklist",
            "annotations-risk-level",
            "brotli-level",
            "brotli-min-length",
            "brotli-types",
            "debug-connections",
            "disable-ipv6",
            "disable-ipv6-dns",
            "disable-stream-access-log",
            "enable-brotli",
            "enable-modsecurity",
            "enable-multi-accept",
            "enable-ocsp",
            "enable-opentelemetry",
            "enable-owasp-modsecurity-crs",
            "error-log-level",
            "error-log-path",
            "gzip-disable",
            "gzip-level",
            "gzip-min-length",
            "gzip-types",
            "http-snippet",
            "http2-max-concurrent-streams",
            "http2-max-field-size",
            "http2-max-header-size",
            "http2-max-requests",
            "location-snippet",
            "log-format-stream",
            "lua-shared-dicts",
            "main-snippet",
            "map-hash-bucket-size",
            "max-worker-open-files",
            "modsecurity-snippet",
            "nginx-status-ipv4-whitelist",
            "nginx-status-ipv6-whitelist",
            "opentelemetry-config",
            "opentelemetry-operation-name",
            "opentelemetry-trust-incoming-span",
            "otlp-collector-host",
            "otlp-collector-port",
            "plugins",
            "proxy-headers-hash-bucket-size",
            "proxy-headers-hash-max-size",
            "proxy-stream-next-upstream",
            "proxy-stream-next-upstream-timeout",
            "proxy-stream-next-upstream-tries",
            "proxy-stream-responses",
            "proxy-stream-timeout",
            "reuse-port",
            "server-name-hash-bucket-size",
            "server-name-hash-max-size",
            "server-snippet",
            "ssl-buffer-size",
            "ssl-dh-param",
            "ssl-early-data",
            "ssl-ecdh-curve",
            "ssl-reject-handshake",
            "ssl-session-cache",
            "ssl-session-cache-size",
            "ssl-session-ticket-key",
            "ssl-session-tickets",
            "ssl-session-timeout",
            "stream-access-log-path",
            "stream-snippet",
            "strict-validate-path-type",
            "use-geoip",
            "use-geoip2",
            "use-gzip",
            "use-http2",
            "variables-hash-bucket-size",
            "variables-hash-max-size",
            "worker-cpu-affinity",
            "worker-processes");
}
