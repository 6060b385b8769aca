package dev.linnet.controller.annotation;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * {@code *-snippet} annotations (configuration-snippet, server-snippet, auth-snippet,
 * stream-snippet, modsecurity-snippet, …): raw nginx configuration, the root of CVE-2021-25742
 * and the IngressNightmare family. Linnet runs no nginx configuration, and serving the Ingress
 * without its snippet would fail open ({@code deny all;} protects nothing when dropped), so an
 * Ingress carrying one is not served at all (DESIGN.md "Snippets"; issue 14 item 11), as
 * ingress-nginx ≥ 1.12 at its default {@code annotations-risk-level: High} rejects the Ingress of
 * a Critical annotation ({@code annotations.Extract} fails, {@code store.syncIngress} skips it).
 *
 * <p>Presence is what counts, not the value: ingress-nginx's {@code CheckAnnotationRisk} looks at
 * the keys only, so an empty snippet rejects the Ingress too. Every key under the prefix that
 * ends in {@code -snippet} counts, not only the five ingress-nginx parses (its admission check
 * for {@code allow-snippet-annotations: false} uses the same suffix rule).
 */
public final class SnippetAnnotations {

    private static final String SUFFIX = "-snippet";

    private SnippetAnnotations() {
    }

    /** Whether {@code name} (without prefix) is a snippet annotation. */
    static boolean isSnippet(String name) {
        return name.endsWith(SUFFIX);
    }

    /** Whether the object carries any {@code <prefix>/*-snippet} annotation, even an empty one. */
    public static boolean present(Map<String, String> annotations, String prefix) {
        return !snippets(annotations, prefix).isEmpty();
    }

    /**
     * Reports each snippet of an Ingress that is therefore not served, in key order: what is
     * wrong, what happens, and the two ways out.
     */
    public static void warnNotServed(Map<String, String> annotations, String prefix, Consumer<String> warnings) {
        for (var e : snippets(annotations, prefix).entrySet()) {
            warnings.accept(describe(e) + " is raw nginx configuration, which Linnet never runs; the Ingress is NOT"
                    + " served (as ingress-nginx at its default annotations-risk-level): express the snippet with"
                    + " annotations and remove it, or start Linnet with --serve-ingresses-with-snippets to serve"
                    + " this Ingress without it");
        }
    }

    /**
     * Reports each snippet of an Ingress served anyway ({@code --serve-ingresses-with-snippets}):
     * whatever the snippet did (deny, auth, headers) does not happen.
     */
    public static void warnIgnored(Map<String, String> annotations, String prefix, Consumer<String> warnings) {
        for (var e : snippets(annotations, prefix).entrySet()) {
            warnings.accept(describe(e) + " is raw nginx configuration, which Linnet never runs; ignored: the Ingress"
                    + " is served WITHOUT it because of --serve-ingresses-with-snippets");
        }
    }

    /**
     * The key without its value, unlike other annotation warnings: a snippet is configuration
     * that may carry credentials ({@code proxy_set_header Authorization ...}), and warnings go to
     * logs and Events, which more people read than the Ingress.
     */
    private static String describe(Map.Entry<String, String> e) {
        return "annotation " + e.getKey();
    }

    /** The snippet annotations under {@code prefix}, by full key. */
    private static Map<String, String> snippets(Map<String, String> annotations, String prefix) {
        if (annotations == null || annotations.isEmpty()) {
            return Map.of();
        }
        String start = prefix + '/';
        Map<String, String> found = new TreeMap<>();
        for (var e : annotations.entrySet()) {
            String key = e.getKey();
            if (key.startsWith(start) && isSnippet(key.substring(start.length()))) {
                found.put(key, e.getValue());
            }
        }
        return found;
    }
}
