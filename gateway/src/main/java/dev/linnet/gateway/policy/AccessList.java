package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.route.SourceRanges;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code denylist-source-range} then {@code allowlist-source-range}: nginx's {@code deny …;} lines
 * before {@code allow …; deny all;} in the access phase, after the canary decision
 * (annotations-spec.md §5.4). The first match wins, so a denied range beats a wider allowed one;
 * a client denied, or outside an allowlist, gets 403.
 *
 * <p>The client is {@code $remote_addr} ({@link RequestContext#remoteAddress()}): the TCP peer,
 * or the address the ConfigMap's trusted forwarded headers or PROXY header name
 * (annotations-spec.md §4.5).
 *
 * @param denied the networks denied; empty denies nobody
 * @param allowed the networks allowed, or {@code null}: everyone not denied; empty allows nobody
 *     (an allowlist never fails open)
 */
public record AccessList(SourceRanges denied, SourceRanges allowed) implements RequestPolicy {

    private static final SourceRanges NOBODY = SourceRanges.of(List.of());

    public AccessList {
        requireNonNull(denied, "denied");
    }

    /** An allowlist alone ({@code allowlist-source-range}). */
    public AccessList(SourceRanges allowed) {
        this(NOBODY, requireNonNull(allowed, "allowed"));
    }

    /** A deny list alone ({@code denylist-source-range}). */
    public static AccessList denying(SourceRanges denied) {
        return new AccessList(denied, null);
    }

    /** This allowlist with {@code ranges} denied first. */
    public AccessList withDenied(SourceRanges ranges) {
        return new AccessList(ranges, allowed);
    }

    /** The nginx lines: {@code deny …;}, then {@code allow …; deny all;} with an allowlist. */
    List<AccessRules.Rule> rules() {
        List<AccessRules.Rule> rules = new ArrayList<>(3);
        if (!denied.entries().isEmpty()) {
            rules.add(new AccessRules.Rule(false, denied));
        }
        if (allowed != null) {
            rules.add(new AccessRules.Rule(true, allowed));
            rules.add(new AccessRules.Rule(false, null));
        }
        return rules;
    }

    @Override
    public Step step() {
        return Step.SOURCE_RANGES;
    }

    @Override
    public Flow onRequest(RequestContext request) {
        InetAddress client = request.remoteAddress() == null ? null : request.remoteAddress().getAddress();
        if (AccessRules.isIpv4Mapped(client) && (allowed != null || denied.hasIpv4())) { // allow …; deny all;
            client = AccessRules.ipv4Of(client);
        }
        if (client != null && !denied.allows(client) && (allowed == null || allowed.allows(client))) {
            return allowed == null ? Flow.DECLINED : Flow.CONTINUE; // a deny list alone: no line matched
        }
        // an access check's failure: under satisfy any, basic or external auth may still let it pass
        request.deny(403, Answers.status(request.channel().alloc(), HttpResponseStatus.FORBIDDEN));
        return Flow.ANSWERED;
    }
}
