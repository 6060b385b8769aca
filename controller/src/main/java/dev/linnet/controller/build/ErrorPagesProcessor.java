package dev.linnet.controller.build;

import dev.linnet.controller.annotation.ErrorAnnotations;
import dev.linnet.controller.config.ErrorPageDefaults;
import dev.linnet.gateway.policy.CustomErrors;
import dev.linnet.gateway.policy.Policies;
import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.PathMatch;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Error pages and the default backends (annotations-spec.md §5), once every route exists:
 *
 * <pre>
 *   --default-backend-service ─▶ its first port's backend (missing: warning, the built-in 404)
 *        └─▶ the fallback of every host that has none: unmatched paths and hosts go there
 *   each main Ingress: custom-http-errors (else the ConfigMap's), disable-proxy-intercept-errors,
 *        default-backend (its first port; missing: warning, ignored)
 *        └─▶ a CustomErrors policy on each of its routes, canaries included (§5.5: the main's apply)
 * </pre>
 *
 * Both backends are ordinary {@link Backend}s, so the endpoints-only rebuild re-resolves them
 * ({@link IncrementalBuilder}).
 */
final class ErrorPagesProcessor {

    private ErrorPagesProcessor() {
    }

    static void process(BuildContext ctx, List<IngressEntry> ingresses, ErrorPageDefaults global) {
        Backend globalBackend = globalBackend(ctx);
        Map<String, CustomErrors> byIngress = new HashMap<>();
        CustomErrors fromConfigMap = global.codes().isEmpty() ? null
                : CustomErrors.of(global.codes(), !global.disableIntercept(), null, globalBackend);
        for (IngressEntry e : ingresses) {
            if (e.isCanary()) {
                continue; // its own values never apply; PolicyAnnotations.validateOnCanary warned
            }
            ErrorAnnotations a = ErrorAnnotations.parse(e.ingress().getMetadata().getAnnotations(),
                    ctx.options().annotationsPrefix(), m -> ctx.warn(e, m));
            CustomErrors errors = a == ErrorAnnotations.NONE ? fromConfigMap : errorsOf(ctx, e, a, global, globalBackend);
            if (errors != null) {
                byIngress.put(e.key(), errors);
            }
        }
        for (HostBuilder hb : ctx.hosts()) {
            if (!byIngress.isEmpty()) {
                List<Route> routes = new ArrayList<>();
                for (Route r : hb.routes()) {
                    routes.add(withErrors(r, byIngress));
                }
                hb.replaceAll(routes);
                if (hb.fallback() != null) {
                    hb.fallback(withErrors(hb.fallback(), byIngress));
                }
            }
            if (hb.fallback() == null && globalBackend != null) {
                hb.fallback(new Route("", "", hb.host().name(), PathMatch.prefix("/"), globalBackend, null,
                        RouteOptions.DEFAULTS, Policies.of(CustomErrors.catchAllOf())));
            }
        }
    }

    private static CustomErrors errorsOf(BuildContext ctx, IngressEntry e, ErrorAnnotations a,
            ErrorPageDefaults global, Backend globalBackend) {
        Backend own = null;
        if (a.defaultBackend() != null) {
            BackendResolver.Resolved r = ctx.firstPort(e.namespace(), a.defaultBackend());
            if (r == null) {
                ctx.warn(e, ErrorAnnotations.DEFAULT_BACKEND.describe(ctx.options().annotationsPrefix(),
                        a.defaultBackend()) + ": Service " + e.namespace() + '/' + a.defaultBackend()
                        + " not found or without ports; ignored (listed errors go to the "
                        + (globalBackend != null ? "--default-backend-service" : "built-in default backend") + ")");
            } else {
                own = r.backend();
            }
        }
        List<Integer> codes = a.codes() != null ? a.codes() : global.codes();
        boolean intercept = a.codes() != null ? !a.disableIntercept() : !global.disableIntercept();
        return codes.isEmpty() && own == null ? null : CustomErrors.of(codes, intercept, own, globalBackend);
    }

    private static Route withErrors(Route r, Map<String, CustomErrors> byIngress) {
        CustomErrors errors = byIngress.get(r.namespace() + '/' + r.ingress());
        if (errors == null) {
            return r;
        }
        return r.withPolicies(r.policies().with(List.of(errors)));
    }

    private static Backend globalBackend(BuildContext ctx) {
        String ref = ctx.options().defaultBackendService();
        if (ref == null) {
            return null;
        }
        String[] parts = ref.split("/", -1);
        BackendResolver.Resolved r = ctx.firstPort(parts[0], parts[1]);
        if (r == null) {
            ctx.warnOn("Service", parts[0], parts[1], "not found or without ports (--default-backend-service):"
                    + " the built-in default backend answers 404 until it exists");
            return null;
        }
        return r.backend();
    }
}
