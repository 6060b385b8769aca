package dev.linnet.controller.annotation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Annotations under {@code --annotations-prefix} that Linnet does not act on, each reported so
 * that a migrator sees what is dropped instead of finding out from traffic:
 *
 * <ul>
 *   <li>the ingress-nginx annotations in {@link #NOT_IMPLEMENTED};</li>
 *   <li>any other key under the prefix: not an ingress-nginx annotation Linnet knows (a typo?).</li>
 * </ul>
 *
 * {@code *-snippet} keys are not reported here: {@link SnippetAnnotations} decides what they do
 * to the whole Ingress.
 */
public final class UnsupportedAnnotations {

    /** ingress-nginx annotations Linnet does not implement (docs/annotations.md lists them). */
    public static final List<String> NOT_IMPLEMENTED = List.of(
            "enable-modsecurity", "enable-opentelemetry", "enable-owasp-core-rules", "http2-push-preload",
            "limit-allowlist", "limit-burst-multiplier", "limit-connections", "limit-rate", "limit-rate-after",
            "limit-rpm", "limit-rps", "limit-whitelist", "mirror-host", "mirror-request-body", "mirror-target",
            "modsecurity-transaction-id", "opentelemetry-trust-incoming-span", "proxy-busy-buffers-size",
            "proxy-max-temp-file-size", "proxy-ssl-ciphers", "proxy-ssl-name",
            "proxy-ssl-protocols", "proxy-ssl-secret", "proxy-ssl-server-name", "proxy-ssl-verify",
            "proxy-ssl-verify-depth", "ssl-ciphers", "ssl-passthrough", "ssl-prefer-server-ciphers");

    private static final Set<String> NOT_IMPLEMENTED_SET = Set.copyOf(NOT_IMPLEMENTED);

    /**
     * Annotations ingress-nginx itself removed (influxdb and opentracing in v1.10, global rate
     * limiting in v1.12, older ones before v1.0): it ignores them, so Linnet does too, and says so.
     */
    public static final List<String> REMOVED = List.of(
            "add-base-url", "base-url-scheme", "enable-influxdb", "enable-opentracing", "global-rate-limit",
            "global-rate-limit-ignored-cidrs", "global-rate-limit-key", "global-rate-limit-window", "grpc-backend",
            "influxdb-host", "influxdb-measurement", "influxdb-port", "influxdb-server-name",
            "opentracing-trust-incoming-span", "secure-backends", "secure-verify-ca-secret",
            "upstream-fail-timeout", "upstream-max-fails");

    private static final Set<String> REMOVED_SET = Set.copyOf(REMOVED);

    /** What Linnet makes of an annotation (without prefix): {@link #classify}. */
    public enum Status {
        /** Linnet reads it. */
        SUPPORTED,
        /** An ingress-nginx annotation Linnet does not act on ({@link #NOT_IMPLEMENTED}). */
        NOT_IMPLEMENTED,
        /** Removed from ingress-nginx: ignored by both ({@link #REMOVED}). */
        REMOVED,
        /** A {@code *-snippet}: {@link SnippetAnnotations} decides. */
        SNIPPET,
        /** Neither Linnet nor ingress-nginx knows it (a typo?). */
        UNKNOWN
    }

    /** Keys Linnet reads (without prefix); everything else under the prefix is reported. */
    private static final Set<String> SUPPORTED;

    static {
        Set<String> s = new HashSet<>();
        for (List<AnnotationKey<?>> keys : List.of(CanaryAnnotations.KEYS, ProxyAnnotations.KEYS,
                PolicyAnnotations.KEYS, ClientCertAnnotations.KEYS)) {
            for (AnnotationKey<?> k : keys) {
                s.add(k.name());
            }
        }
        SUPPORTED = Set.copyOf(s);
    }

    private UnsupportedAnnotations() {
    }

    public static Status classify(String name) {
        if (SUPPORTED.contains(name)) {
            return Status.SUPPORTED;
        }
        if (SnippetAnnotations.isSnippet(name)) {
            return Status.SNIPPET;
        }
        if (NOT_IMPLEMENTED_SET.contains(name)) {
            return Status.NOT_IMPLEMENTED;
        }
        return REMOVED_SET.contains(name) ? Status.REMOVED : Status.UNKNOWN;
    }

    /** Reports every annotation under {@code prefix} that Linnet ignores, in key order. */
    public static void warn(Map<String, String> annotations, String prefix, Consumer<String> warnings) {
        if (annotations == null || annotations.isEmpty()) {
            return;
        }
        String start = prefix + '/';
        List<String> lines = new ArrayList<>();
        for (var e : new TreeMap<>(annotations).entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(start)) {
                continue;
            }
            String described = "annotation " + key;
            switch (classify(key.substring(start.length()))) {
                case SUPPORTED, SNIPPET -> { }
                case NOT_IMPLEMENTED -> lines.add(described + " is not implemented by Linnet; ignored (see"
                        + " docs/annotations.md)");
                case REMOVED -> lines.add(described + " was removed from ingress-nginx, which ignores it too; ignored");
                case UNKNOWN -> lines.add(described + " is not an annotation Linnet knows (a typo?); ignored");
            }
        }
        lines.forEach(warnings);
    }
}
