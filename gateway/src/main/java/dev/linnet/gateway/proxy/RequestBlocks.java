package dev.linnet.gateway.proxy;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.policy.AccessRules;
import dev.linnet.gateway.route.BoundedPattern;
import dev.linnet.gateway.route.PathRegexException;
import dev.linnet.gateway.route.SourceRanges;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;

/**
 * The controller ConfigMap's {@code block-cidrs}, {@code block-user-agents} and
 * {@code block-referers}: requests from those clients, or with those {@code User-Agent} or
 * {@code Referer} values, get 403 on every host, before routing (annotations-spec.md §8). A value
 * is nginx's {@code map} source: a string compared whole and ignoring case, or a regular
 * expression after {@code ~} (case-sensitive) or {@code ~*}, searched under the paths' step
 * budget; a search that runs out of budget blocks (fails closed).
 *
 * @param cidrs the blocked client networks, or {@code null}
 * @param userAgents the blocked {@code User-Agent} values
 * @param referers the blocked {@code Referer} values
 */
public record RequestBlocks(SourceRanges cidrs, List<Value> userAgents, List<Value> referers) {

    /** Nothing blocked. */
    public static final RequestBlocks NONE = new RequestBlocks(null, List.of(), List.of());

    /** One {@code map} source value. */
    public record Value(String exact, BoundedPattern regex) {

        /**
         * {@code ~re}, {@code ~*re} or a string.
         *
         * @throws java.util.regex.PatternSyntaxException when the regular expression is invalid
         */
        public static Value of(String source) {
            if (source.startsWith("~*")) {
                return new Value(null, BoundedPattern.of("(?i)" + source.substring(2)));
            }
            if (source.startsWith("~")) {
                return new Value(null, BoundedPattern.of(source.substring(1)));
            }
            return new Value(source.toLowerCase(Locale.ROOT), null);
        }

        boolean matches(String header) {
            if (regex == null) {
                return exact.equals(header.toLowerCase(Locale.ROOT));
            }
            try {
                return regex.search(header) != null;
            } catch (PathRegexException e) {
                return true; // out of budget: blocked rather than let through
            }
        }
    }

    public RequestBlocks {
        userAgents = List.copyOf(requireNonNull(userAgents, "userAgents"));
        referers = List.copyOf(requireNonNull(referers, "referers"));
    }

    public boolean isEmpty() {
        return cidrs == null && userAgents.isEmpty() && referers.isEmpty();
    }

    /**
     * Whether the request is blocked: its client (the address trust settings give; none known:
     * blocked only when a network is listed, as nothing can prove it is outside) or a header.
     */
    public boolean blocks(InetAddress client, String userAgent, String referer) {
        if (cidrs != null && AccessRules.isIpv4Mapped(client) && cidrs.hasIpv4()) {
            client = AccessRules.ipv4Of(client); // nginx's deny lines: checked against the IPv4 ones, as AccessList
        }
        if (cidrs != null && (client == null || cidrs.allows(client))) {
            return true;
        }
        return matches(userAgents, userAgent) || matches(referers, referer);
    }

    private static boolean matches(List<Value> values, String header) {
        if (values.isEmpty()) {
            return false;
        }
        String h = header == null ? "" : header; // nginx: an absent header is the empty string
        for (Value v : values) {
            if (v.matches(h)) {
                return true;
            }
        }
        return false;
    }
}
