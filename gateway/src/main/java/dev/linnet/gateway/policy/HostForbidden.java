package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * ingress-nginx's {@code AuthTLSError}: a host whose {@code auth-tls-*} annotations cannot be
 * used answers {@code return 403;} for every request, HTTP and HTTPS, every path (since #2146 "In
 * case of TLS errors do not allow traffic"; auth-limits-spec.md §1.2 HOST403). Host-level.
 *
 * @param reason what was wrong, for the table's debug view (the build warned with it)
 */
public record HostForbidden(String reason) implements RequestPolicy {

    public HostForbidden {
        requireNonNull(reason, "reason");
    }

    @Override
    public Step step() {
        return Step.HOST_ACCESS;
    }

    @Override
    public Flow onRequest(RequestContext request) {
        request.answer(Answers.status(request.channel().alloc(), HttpResponseStatus.FORBIDDEN));
        return Flow.ANSWERED;
    }
}
