package dev.linnet.controller.annotation;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.policy.Deny;
import dev.linnet.gateway.policy.ExternalAuth;
import dev.linnet.gateway.policy.Policies;
import dev.linnet.gateway.policy.Policy;
import dev.linnet.gateway.policy.Step;
import java.util.List;

/**
 * The policies of one main Ingress, built once and shared by every route it creates.
 *
 * @param routes the policies of its paths and host fallbacks
 * @param catchAll the policies of its catch-all ({@code spec.defaultBackend} without rules): no
 *     redirect, as ingress-nginx restores the default location's rewrite config there; no affinity,
 *     which ingress-nginx reads from rule paths only (affinity-spec.md §2)
 * @param notServed why the Ingress is not served at all (ingress-nginx's DROP), or {@code null}
 * @param server its {@code server-snippet}'s policies, for every route of the hosts it is the
 *     first to give one (build/HostBuilder); empty when none
 */
public record IngressPolicies(Policies routes, Policies catchAll, String notServed, List<Policy> server) {

    public static final IngressPolicies NONE = new IngressPolicies(Policies.NONE, Policies.NONE, null);

    public IngressPolicies {
        requireNonNull(routes, "routes");
        requireNonNull(catchAll, "catchAll");
        server = List.copyOf(server);
    }

    public IngressPolicies(Policies routes, Policies catchAll, String notServed) {
        this(routes, catchAll, notServed, List.of());
    }

    static IngressPolicies of(List<Policy> policies) {
        Policies all = Policies.of(policies);
        return all.isEmpty() ? NONE : new IngressPolicies(all,
                all.without(Step.SSL_REDIRECT).without(Step.REDIRECT).without(Step.AFFINITY), null);
    }

    public static IngressPolicies notServed(String reason) {
        return new IngressPolicies(Policies.NONE, Policies.NONE, requireNonNull(reason, "reason"));
    }

    public boolean served() {
        return notServed == null;
    }

    /**
     * These policies with the Ingress's snippets: the location's on its routes and catch-all, the
     * server's kept for its hosts. A denied Ingress (503) keeps only its {@link Deny}.
     */
    public IngressPolicies withSnippets(SnippetAnnotations.Result snippets) {
        if (!served() || snippets.isEmpty() || routes.find(Deny.class) != null) {
            return this;
        }
        return new IngressPolicies(withAuthHeaders(routes.with(snippets.location()), snippets.auth()),
                withAuthHeaders(catchAll.with(snippets.location()), snippets.auth()), null, snippets.server());
    }

    /** The Ingress's external auth with an auth-snippet's {@code proxy_set_header} lines after its own. */
    private static Policies withAuthHeaders(Policies policies, List<ExternalAuth.SetHeader> headers) {
        ExternalAuth auth = policies.find(ExternalAuth.class);
        if (headers.isEmpty() || auth == null) {
            return policies;
        }
        List<Policy> out = new java.util.ArrayList<>(policies.all());
        out.set(out.indexOf(auth), auth.withProxySetHeaders(headers));
        return Policies.of(out);
    }
}
