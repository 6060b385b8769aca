package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.route.SourceRanges;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;

/**
 * {@code allowlist-source-range} (nginx's {@code allow …; deny all;} in the access phase, after
 * the canary decision): a client outside the ranges gets 403.
 *
 * <p>The client is {@code $remote_addr} ({@link RequestContext#remoteAddress()}): the TCP peer,
 * or the address the ConfigMap's trusted forwarded headers or PROXY header name
 * (annotations-spec.md §4.5).
 *
 * @param allowed the networks allowed; empty allows nobody (an allowlist never fails open)
 */
public record AccessList(SourceRanges allowed) implements RequestPolicy {

    public AccessList {
        requireNonNull(allowed, "allowed");
    }

    @Override
    public Step step() {
        return Step.SOURCE_RANGES;
    }

    @Override
    public Flow onRequest(RequestContext request) {
        InetAddress client = request.remoteAddress() == null ? null : request.remoteAddress().getAddress();
        if (client != null && allowed.allows(client)) {
            return Flow.CONTINUE;
        }
        // an access check's failure: under satisfy any, basic or external auth may still let it pass
        request.deny(403, Answers.status(request.channel().alloc(), HttpResponseStatus.FORBIDDEN));
        return Flow.ANSWERED;
    }
}
