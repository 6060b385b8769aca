package dev.linnet.controller.annotation;

import dev.linnet.gateway.policy.AccessRules;
import dev.linnet.gateway.policy.ExternalAuth;
import dev.linnet.gateway.policy.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * {@code *-snippet} annotations: raw nginx configuration, the root of CVE-2021-25742 and the
 * IngressNightmare family. Linnet runs no nginx configuration. It understands a small, safe
 * subset of {@code configuration-snippet}, {@code server-snippet} and {@code auth-snippet}
 * ({@link SnippetCompiler}, docs/snippets.md) and turns it into the annotations' policies.
 * A snippet with anything else is never partly applied, and serving the Ingress without it
 * would fail open ({@code deny all;} protects nothing when dropped), so its Ingress is not served
 * (DESIGN.md "Snippets"), as ingress-nginx ≥ 1.12 at its default {@code annotations-risk-level}
 * rejects the Ingress of a Critical annotation — unless {@code --serve-ingresses-with-snippets}
 * says to serve it without its snippets.
 *
 * <p>Every key under the prefix that ends in {@code -snippet} counts (ingress-nginx's admission
 * check uses the same suffix rule); the others ({@code stream-snippet}, {@code modsecurity-snippet}
 * …) are outside the subset unless empty. An empty snippet does nothing.
 */
public final class SnippetAnnotations {

    private static final String SUFFIX = "-snippet";
    static final String CONFIGURATION = "configuration-snippet";
    static final String SERVER = "server-snippet";
    static final String AUTH = "auth-snippet";

    private SnippetAnnotations() {
    }

    /**
     * What an Ingress's snippets give.
     *
     * @param location the policies of its locations (configuration-snippet)
     * @param server the policies of every location of its hosts (server-snippet)
     * @param refused why a snippet is outside the subset (the Ingress is not served), or {@code null}
     * @param auth the auth-snippet's headers for the external-auth subrequest (with auth-url)
     */
    public record Result(List<Policy> location, List<Policy> server, String refused, List<ExternalAuth.SetHeader> auth) {

        public static final Result NONE = new Result(List.of(), List.of(), null);

        public Result {
            auth = List.copyOf(auth);
        }

        public Result(List<Policy> location, List<Policy> server, String refused) {
            this(location, server, refused, List.of());
        }

        /** The policies of one route: the server's, then the location's. */
        public List<Policy> all() {
            List<Policy> all = new ArrayList<>(server);
            all.addAll(location);
            return all;
        }

        public boolean isEmpty() {
            return location.isEmpty() && server.isEmpty() && auth.isEmpty();
        }
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
     * Compiles the snippets of one Ingress.
     *
     * The server-level {@code allow}/{@code deny} are kept whole: each route of the host drops them
     * only when it has access rules of its own ({@code HostBuilder}).
     *
     * @param rewriteTarget whether the Ingress has {@code rewrite-target}
     */
    public static Result compile(Map<String, String> annotations, String prefix, boolean rewriteTarget,
            boolean authUrl, Consumer<String> warnings) {
        List<Policy> location = List.of();
        List<Policy> server = List.of();
        List<ExternalAuth.SetHeader> auth = List.of();
        for (var e : snippets(annotations, prefix).entrySet()) {
            String name = e.getKey().substring(prefix.length() + 1);
            String value = e.getValue() == null ? "" : e.getValue();
            try {
                switch (name) {
                    case CONFIGURATION -> location = SnippetCompiler.compile(value, SnippetCompiler.Context.LOCATION,
                            rewriteTarget);
                    case SERVER -> server = SnippetCompiler.compile(value, SnippetCompiler.Context.SERVER, false);
                    case AUTH -> {
                        // ingress-nginx puts it in the auth subrequest's location: its proxy_set_header
                        // lines are what the auth service is sent
                        if (authUrl) {
                            auth = SnippetCompiler.authHeaders(value);
                        } else if (!SnippetCompiler.compile(value, SnippetCompiler.Context.LOCATION, false).isEmpty()) {
                            warnings.accept(describe(e) + " is ignored: without auth-url ingress-nginx ignores it too");
                        }
                    }
                    default -> {
                        if (!SnippetCompiler.empty(value)) {
                            throw new SnippetCompiler.Refused("is outside the subset Linnet understands"
                                    + " (only configuration-snippet, server-snippet and auth-snippet are read)");
                        }
                    }
                }
            } catch (SnippetCompiler.Refused r) {
                return new Result(List.of(), List.of(), describe(e) + ": " + r.getMessage());
            }
        }
        // The server's allow/deny stay whole here: each route drops them only when it has access
        // rules of its own (HostBuilder), as nginx's locations inherit them.
        return new Result(location, server, null, auth);
    }

    private static final String NOT_SERVED = "; the Ingress is NOT served (a snippet is never partly applied)";
    private static final String SERVED_WITHOUT = "; the Ingress is served WITHOUT its snippets because of"
            + " --serve-ingresses-with-snippets";

    /** Reports a snippet outside the subset: what is wrong, what happens, and the two ways out. */
    public static void warnNotServed(String refused, Consumer<String> warnings) {
        warnings.accept(refused + NOT_SERVED + ": express it with annotations or the subset, or start Linnet with"
                + " --serve-ingresses-with-snippets to serve this Ingress without its snippets");
    }

    /** Reports a snippet outside the subset of an Ingress served anyway ({@code --serve-ingresses-with-snippets}). */
    public static void warnIgnored(String refused, Consumer<String> warnings) {
        warnings.accept(refused + SERVED_WITHOUT);
    }

    /** Whether {@code warning} is one of {@link #warnNotServed} or {@link #warnIgnored}. */
    public static boolean isRefusal(String warning) {
        return warning.contains(NOT_SERVED) || warning.endsWith(SERVED_WITHOUT);
    }

    /**
     * For {@code linnet check}: every directive outside the subset, by snippet annotation (full
     * key, in key order); empty when every snippet is inside it. Unlike the build, which stops at
     * the first, this names them all, so that one run shows everything to rewrite.
     */
    public static Map<String, List<String>> refusals(Map<String, String> annotations, String prefix,
            boolean rewriteTarget) {
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, String> e : snippets(annotations, prefix).entrySet()) {
            String name = e.getKey().substring(prefix.length() + 1);
            String value = e.getValue();
            List<String> refused = switch (name) {
                case CONFIGURATION -> SnippetCompiler.refusals(value, SnippetCompiler.Context.LOCATION, rewriteTarget);
                case SERVER -> SnippetCompiler.refusals(value, SnippetCompiler.Context.SERVER, false);
                case AUTH -> authRefusal(value, annotations.get(prefix + "/auth-url"));
                default -> SnippetCompiler.empty(value) ? List.of()
                        : List.of("is outside the subset Linnet understands (only configuration-snippet,"
                                + " server-snippet and auth-snippet are read)");
            };
            if (!refused.isEmpty()) {
                out.put(e.getKey(), refused);
            }
        }
        return out;
    }

    /**
     * The key without its value, unlike other annotation warnings: a snippet is configuration
     * that may carry credentials ({@code proxy_set_header Authorization ...}), and warnings go to
     * logs and Events, which more people read than the Ingress.
     */
    private static String describe(Map.Entry<String, String> e) {
        return "annotation " + e.getKey();
    }

    private static List<String> authRefusal(String value, String authUrl) {
        if (authUrl == null || authUrl.isBlank()) {
            return SnippetCompiler.refusals(value, SnippetCompiler.Context.LOCATION, false);
        }
        try {
            SnippetCompiler.authHeaders(value);
            return List.of();
        } catch (SnippetCompiler.Refused r) {
            return List.of(r.getMessage());
        }
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
