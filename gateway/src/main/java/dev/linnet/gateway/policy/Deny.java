package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * ingress-nginx's DENY (auth-limits-spec.md §1.2): an Ingress whose security annotations cannot
 * be built answers 503 on every route it created, instead of being served without them. The
 * reason is what the controller warned about; it never reaches the client.
 *
 * @param reason the first problem found, for {@code /debug/routes} and logs
 */
public record Deny(String reason) implements RequestPolicy {

    public Deny {
        requireNonNull(reason, "reason");
    }

    @Override
    public Step step() {
        return Step.DENY;
    }

    @Override
    public Flow onRequest(RequestContext request) {
        // nginx's default 503 page title, which ingress-nginx's e2e test reads (auth-limits-spec.md §11.1 A2)
        request.answer(Answers.text(request.channel().alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE,
                "503 Service Temporarily Unavailable\n"));
        return Flow.ANSWERED;
    }
}
