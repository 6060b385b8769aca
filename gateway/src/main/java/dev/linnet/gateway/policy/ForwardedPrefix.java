package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteOptions;
import io.netty.handler.codec.http.HttpRequest;
import java.util.regex.Matcher;

/**
 * {@code x-forwarded-prefix} (annotations-spec.md §3.3): ingress-nginx's {@code buildProxyPass}
 * sets {@code X-Forwarded-Prefix} only where it emits the rewrite, i.e. when the route has a
 * {@code rewrite-target} that differs from its path; alone the annotation does nothing
 * (kubernetes/ingress-nginx#7880). {@code $1}… are the route regex's captures.
 *
 * @param value the header's value (never empty: an empty annotation sends nothing)
 */
public record ForwardedPrefix(NginxValue value) implements UpstreamPolicy {

    public ForwardedPrefix {
        requireNonNull(value, "value");
    }

    @Override
    public Step step() {
        return Step.UPSTREAM_HEADERS;
    }

    @Override
    public void onUpstreamRequest(RequestContext request, HttpRequest upstream) {
        Route route = request.route();
        RouteOptions options = route.options();
        if (options.rewriteTarget() == null || options.rewriteTarget().target().equals(route.match().path())) {
            return;
        }
        Matcher captures = route.match().regex() == null ? null : route.match().regex().captures(request.path());
        String v = value.expand(request, captures);
        if (!v.isEmpty()) {
            upstream.headers().set("X-Forwarded-Prefix", v);
        }
    }
}
