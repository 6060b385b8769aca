package dev.linnet.controller.build;

import dev.linnet.controller.annotation.Deviation;
import dev.linnet.controller.annotation.MultiCanaryAnnotations;
import dev.linnet.controller.annotation.StickyCanaryAnnotations;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.split.MultiCanary;
import dev.linnet.gateway.split.StickyCanary;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Second processor: every canary Ingress, oldest first, attaches to the main routes it names.
 * It creates no host and no route; its TLS and other settings are ignored (canary-spec.md §2).
 *
 * <pre>
 *   for each rule path of the canary (same normalisation as main Ingresses):
 *     main route with the same host key, path string and pathType?
 *       none            ─▶ warning; ignored for this path     (ingress-nginx deletes it too; e2e E2, E20)
 *       main has linnet.dev/multi-canary ─▶ appended to the route's canaries (oldest first)
 *       has a canary    ─▶ warning; ignored                   (only alternativeBackends[1] is used: oldest wins)
 *       else            ─▶ route.withCanary(rule of THIS canary Ingress)
 *   spec.defaultBackend ─▶ the same, against the catch-all fallback of "_"
 * </pre>
 *
 * DESIGN.md deliberate difference 1: the canary belongs to the rule it attaches to, not to the
 * main Service, so other routes using the same Service get no canary, and two canaries sharing
 * a canary Service keep their own rules.
 */
final class CanaryProcessor {

    private CanaryProcessor() {
    }

    static void process(BuildContext ctx, IngressEntry canary) {
        IngressSpec spec = canary.spec();
        List<IngressRule> rules = spec.getRules() == null ? List.of() : spec.getRules();
        for (IngressRule rule : rules) {
            HostRef host = HostRef.of(rule.getHost(), m -> ctx.warn(canary, m));
            if (host == null || rule.getHttp() == null || rule.getHttp().getPaths() == null) {
                continue; // the nil-rule hazard of canary-spec.md §2: simply skip
            }
            for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                attachPath(ctx, canary, host, path);
            }
        }
        if (spec.getDefaultBackend() != null) {
            attachCatchAll(ctx, canary, spec);
        }
    }

    private static void attachPath(BuildContext ctx, IngressEntry canary, HostRef host, HTTPIngressPath path) {
        Consumer<String> warn = m -> ctx.warn(canary, "host " + host.name() + ": " + m);
        PathMatch match = IngressPaths.match(path, warn);
        if (match == null) {
            return;
        }
        IngressPaths.ServiceRef ref = IngressPaths.service(path.getBackend(), "path " + match.path(), warn);
        if (ref == null) {
            return;
        }
        HostBuilder hb = ctx.existingHost(host);
        Route main = hb == null ? null : hb.find(match);
        String where = IngressPaths.describe(host.name(), match);
        if (main == null) {
            ctx.warn(canary, "no main Ingress serves " + where + "; canary ignored for this path");
            return;
        }
        Route attached = attach(ctx, canary, ref, main, where + ": route");
        if (attached != null) {
            hb.replace(attached);
        }
    }

    private static void attachCatchAll(BuildContext ctx, IngressEntry canary, IngressSpec spec) {
        HostBuilder server = ctx.defaultServer();
        Route main = server.fallback();
        if (main == null) {
            ctx.warn(canary, "spec.defaultBackend: no non-canary catch-all Ingress (spec.defaultBackend without rules)"
                    + " exists; canary ignored for the catch-all");
            return;
        }
        if (main.canary() != null && ctx.multiCanary(main.namespace(), main.ingress()) == null) {
            ctx.warn(canary, "spec.defaultBackend: the catch-all already has canary " + main.canary().namespace()
                    + '/' + main.canary().ingress() + "; only one canary per rule, this one is ignored");
            return;
        }
        IngressPaths.ServiceRef ref = IngressPaths.service(spec.getDefaultBackend(), "spec.defaultBackend",
                m -> ctx.warn(canary, m));
        if (ref != null) {
            server.fallback(attach(ctx, canary, ref, main, "spec.defaultBackend: the catch-all"));
        }
    }

    /**
     * {@code main} with this canary attached, or {@code null} when it is ignored (warned): without
     * {@code linnet.dev/multi-canary}, a rule that already has a canary keeps only that one.
     */
    private static Route attach(BuildContext ctx, IngressEntry canary, IngressPaths.ServiceRef ref, Route main,
            String what) {
        MultiCanaryAnnotations.Mode mode = ctx.multiCanary(main.namespace(), main.ingress());
        if (mode == null) {
            if (main.canary() != null) {
                ctx.warn(canary, what + " already has canary " + main.canary().namespace() + '/'
                        + main.canary().ingress() + "; only one canary per rule, this one is ignored");
                return null;
            }
            return main.withCanary(rule(ctx, canary, ref));
        }
        Map<String, String> annotations = canary.ingress().getMetadata().getAnnotations();
        for (var key : StickyCanaryAnnotations.KEYS) {
            if (key.raw(annotations, "") != null) {
                ctx.warn(canary, key.describe("", key.raw(annotations, "")) + " is ignored: the main Ingress "
                        + main.namespace() + '/' + main.ingress() + " has " + MultiCanaryAnnotations.KEY.fullName("")
                        + ", so its own sticky settings key every canary's draw");
            }
        }
        if (main.canaryCount() >= MultiCanary.MAX) {
            ctx.warn(canary, what + " already has " + MultiCanary.MAX + " canaries (the most "
                    + MultiCanaryAnnotations.KEY.fullName("") + " takes); this one is ignored");
            return null;
        }
        CanaryRule rule = canary.canary().toRule(canary.namespace(), canary.name(), ctx.backend(canary, ref));
        MultiCanary all = main.multiCanary() == null ? new MultiCanary(List.of(rule), mode.sticky())
                : main.multiCanary().with(rule);
        if (all.overfull() && (main.multiCanary() == null || !main.multiCanary().overfull())) {
            ctx.warn(canary, what + ": the canary weights add up to more than the whole (" + shares(all)
                    + "); the intervals are capped at 1, so this one gets only what is left");
        }
        return main.withCanaries(all);
    }

    /** {@code ns/a 60/100 + ns/b 50/100}. */
    private static String shares(MultiCanary all) {
        StringBuilder sb = new StringBuilder();
        for (CanaryRule c : all.canaries()) {
            sb.append(sb.length() == 0 ? "" : " + ").append(c.namespace()).append('/').append(c.ingress()).append(' ')
                    .append(c.weight()).append('/').append(c.weightTotal());
        }
        return sb.toString();
    }

    /** The canary's rule for one main route, with Linnet's sticky assignment when it asks for one. */
    private static CanaryRule rule(BuildContext ctx, IngressEntry canary, IngressPaths.ServiceRef ref) {
        CanaryRule rule = canary.canary().toRule(canary.namespace(), canary.name(), ctx.backend(canary, ref));
        StickyCanary sticky = StickyCanaryAnnotations.parse(canary.ingress().getMetadata().getAnnotations(),
                canary.namespace(), canary.name(), m -> ctx.warn(canary, m));
        return sticky == null ? rule : rule.withSticky(sticky);
    }

    /**
     * Reads {@code linnet.dev/multi-canary}: on a main Ingress, its mode (and its sticky settings);
     * on a canary Ingress, where it means nothing, a warning.
     */
    static void readMultiCanary(BuildContext ctx, IngressEntry e) {
        Map<String, String> annotations = e.ingress().getMetadata().getAnnotations();
        if (e.isCanary()) {
            String warning = MultiCanaryAnnotations.onCanary(annotations);
            if (warning != null) {
                ctx.warn(e, warning);
            }
            return;
        }
        MultiCanaryAnnotations.Mode mode = MultiCanaryAnnotations.parse(annotations, e.namespace(), e.name(),
                m -> ctx.warn(e, m));
        if (mode != null && ctx.options().asIngressNginx()) {
            ctx.warn(e, Deviation.note(MultiCanaryAnnotations.KEY.fullName(""), "ingress-nginx does not know it:"
                    + " only the oldest canary Ingress of each rule takes part (#5848); Linnet lets every canary of"
                    + " its rules take part"));
        } else if (mode != null) {
            ctx.multiCanary(e, mode);
        }
    }
}
