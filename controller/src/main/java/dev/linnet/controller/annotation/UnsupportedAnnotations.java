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
            String name = key.substring(start.length());
            if (SUPPORTED.contains(name) || SnippetAnnotations.isSnippet(name)) {
                continue;
            }
            String described = "annotation " + key;
            if (NOT_IMPLEMENTED_SET.contains(name)) {
                lines.add(described + " is not implemented by Linnet; ignored (see docs/annotations.md)");
            } else {
                lines.add(described + " is not an annotation Linnet knows (a typo?); ignored");
            }
        }
        lines.forEach(warnings);
    }
}
