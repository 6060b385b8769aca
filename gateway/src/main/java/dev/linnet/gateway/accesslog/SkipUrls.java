package dev.linnet.gateway.accesslog;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.route.HeaderPattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code skip-access-log-urls}: requests whose {@code $request_uri} (path and query, as sent)
 * equals an entry are not logged (ingress-nginx's {@code map $request_uri $loggable}). An entry
 * starting with {@code ~} is a regular expression searched in the URI ({@code ~*}: ignoring
 * case), as in an nginx map; it is matched with the same step budget as
 * {@code canary-by-header-pattern}, so a pathological one cannot stall the writer. A regex
 * that fails (or runs out of budget) does not skip.
 */
public record SkipUrls(Set<String> exact, List<HeaderPattern> patterns) {

    public static final SkipUrls NONE = new SkipUrls(Set.of(), List.of());

    public SkipUrls {
        exact = Set.copyOf(requireNonNull(exact, "exact"));
        patterns = List.copyOf(requireNonNull(patterns, "patterns"));
    }

    /** The entries of the ConfigMap list; a {@code ~} entry whose regex does not compile is in {@code invalid}. */
    public static SkipUrls of(List<String> entries, List<String> invalid) {
        java.util.HashSet<String> exact = new java.util.HashSet<>();
        List<HeaderPattern> patterns = new ArrayList<>();
        for (String entry : entries) {
            if (entry.startsWith("~")) {
                String regex = entry.startsWith("~*") ? "(?i)" + entry.substring(2) : entry.substring(1);
                HeaderPattern p = HeaderPattern.of(regex);
                if (p.isValid()) {
                    patterns.add(p);
                } else {
                    invalid.add(entry);
                }
            } else {
                exact.add(entry);
            }
        }
        return new SkipUrls(exact, patterns);
    }

    public boolean isEmpty() {
        return exact.isEmpty() && patterns.isEmpty();
    }

    /** Whether a request for {@code requestUri} is left out of the log. */
    public boolean skips(String requestUri) {
        if (exact.contains(requestUri)) {
            return true;
        }
        for (HeaderPattern p : patterns) {
            if (p.match(requestUri) == HeaderPattern.Result.MATCH) {
                return true;
            }
        }
        return false;
    }
}
