package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * ingress-nginx's DENY (auth-limits-spec.md §1.2): an Ingress whose security annotations cannot
 * be built answers 503 on every route it created, instead of being served without them. The
 * reason is what the controller warned about; it never reaches the client.
 *
 * <p>A global policy that cannot be built denies in the step it stands for: the ConfigMap's
 * unusable {@code global-auth-url} is a Deny in {@link Step#EXTERNAL_AUTH}, so that the routes
 * {@code no-auth-locations} exempts from authentication stay served, and an allowlist passes
 * first under {@code satisfy: any}, as the auth it replaces would.
 *
 * @param reason the first problem found, for {@code /debug/routes} and logs
 * @param step where it answers: {@link Step#DENY} for an Ingress's own annotations
 */
public record Deny(String reason, Step step) implements RequestPolicy {

    public Deny {
        requireNonNull(reason, "reason");
        requireNonNull(step, "step");
        if (step.stage() != Stage.REWRITE && step.stage() != Stage.ACCESS) {
            throw new IllegalArgumentException("step: " + step + " (expected: a rewrite or access step)");
        }
    }

    /** ingress-nginx's location denial of an Ingress (rewrite phase). */
    public Deny(String reason) {
        this(reason, Step.DENY);
    }

    @Override
    public Flow onRequest(RequestContext request) {
        // nginx's default 503 page title, which ingress-nginx's e2e test reads (auth-limits-spec.md §11.1 A2)
        request.answer(Answers.text(request.channel().alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE,
                "503 Service Temporarily Unavailable\n"));
        return Flow.ANSWERED;
    }
}
