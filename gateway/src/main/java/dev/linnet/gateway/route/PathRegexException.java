package dev.linnet.gateway.route;

import static java.util.Objects.requireNonNull;

/**
 * A path regex could not decide whether a request path matches: its search ran out of the step
 * budget ({@link PathRegex#STEP_BUDGET}) or of stack. It is neither a match nor a miss, so the
 * route lookup stops instead of trying the next, less specific route. nginx does the same: when
 * {@code ngx_http_regex_exec} fails in {@code ngx_http_core_find_location} (PCRE's match limit,
 * {@code PCRE_ERROR_MATCHLIMIT}), the request is answered {@code 500 Internal Server Error}.
 *
 * <p>Thrown on the request path of a hostile request, so it carries no stack trace.
 */
public final class PathRegexException extends RuntimeException {

    private final String pattern;

    PathRegexException(String pattern, String reason) {
        super("path regex ~* ^" + requireNonNull(pattern, "pattern") + ": " + reason, null, false, false);
        this.pattern = pattern;
    }

    /** The regex as written in the Ingress path (without the {@code ^} the lookup adds). */
    public String pattern() {
        return pattern;
    }
}
