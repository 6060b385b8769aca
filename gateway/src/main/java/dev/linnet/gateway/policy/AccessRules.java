package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.route.SourceRanges;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.util.List;

/**
 * A snippet's {@code allow} and {@code deny} (nginx's access module): the rules are checked in
 * order and the first that matches the client decides; when none matches the request passes.
 * A denial is an access check's failure (403; under {@code satisfy any} another check may pass).
 * The client is the address {@link AccessList} uses. Without one (nothing to compare), the check
 * fails closed, as {@link AccessList}'s does: no range allows it, any range it might be in denies
 * it, {@code all} decides as usual, and when no rule decides it is denied.
 *
 * @param rules in order
 */
public record AccessRules(List<Rule> rules) implements RequestPolicy {

    /**
     * One rule.
     *
     * @param ranges the networks it matches, or {@code null} for {@code all}
     */
    public record Rule(boolean allow, SourceRanges ranges) {
    }

    public AccessRules {
        rules = List.copyOf(requireNonNull(rules, "rules"));
    }

    @Override
    public Step step() {
        return Step.SNIPPET_ACCESS;
    }

    @Override
    public Flow onRequest(RequestContext request) {
        InetAddress client = request.remoteAddress() == null ? null : request.remoteAddress().getAddress();
        for (Rule r : rules) {
            boolean matches = r.ranges == null || (client == null ? !r.allow : r.ranges.allows(client));
            if (matches) {
                return r.allow ? Flow.CONTINUE : deny(request);
            }
        }
        return client == null ? deny(request) : Flow.CONTINUE;
    }

    private static Flow deny(RequestContext request) {
        request.deny(403, Answers.status(request.channel().alloc(), HttpResponseStatus.FORBIDDEN));
        return Flow.ANSWERED;
    }
}
