package dev.linnet.controller.build;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.policy.CustomErrors;
import dev.linnet.gateway.policy.Policies;
import dev.linnet.gateway.policy.Step;
import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.route.Route;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.route.VirtualHost;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The control loop's build function. Endpoint churn — rolling updates, scale-outs, blue-green
 * selector switches — is the most frequent change a cluster makes and touches nothing but
 * addresses, so when only EndpointSlices or Endpoints changed since the last build, the previous
 * table is kept and only its backends are resolved again:
 *
 * <pre>
 *   state ─▶ Ingresses, IngressClasses, Services, Secrets, ConfigMaps equal to last time?
 *              no  ─▶ RouteTableBuilder.build (full: classes, order, annotations, attachment)
 *              yes ─▶ previous table with every Backend re-resolved from the new slices;
 *                     previous warnings (none of them depends on endpoints)
 * </pre>
 *
 * Both paths give equal results for the same state (tested), so this is purely a shortcut. Not
 * thread-safe: the control loop calls it from its one thread.
 */
public final class IncrementalBuilder implements Function<ClusterState, BuildResult> {

    private final BuildOptions options;
    private ClusterState lastState;
    private BuildResult lastResult;
    private long endpointOnlyBuilds;

    private IncrementalBuilder(BuildOptions options) {
        this.options = requireNonNull(options, "options");
    }

    public static IncrementalBuilder of(BuildOptions options) {
        return new IncrementalBuilder(options);
    }

    @Override
    public BuildResult apply(ClusterState state) {
        requireNonNull(state, "state");
        BuildResult result;
        if (lastResult != null && onlyEndpointsChanged(lastState, state)) {
            result = new BuildResult(rebind(lastResult.table(), new BackendResolver(state)), lastResult.warnings(),
                    lastResult.gateway());
            RouteTableBuilder.prepareEndpointPolicies(result.table());
            endpointOnlyBuilds++;
        } else {
            result = RouteTableBuilder.build(state, options);
        }
        lastState = state;
        lastResult = result;
        return result;
    }

    /** How many builds took the endpoints-only path (diagnostics, tests). */
    public long endpointOnlyBuilds() {
        return endpointOnlyBuilds;
    }

    static boolean onlyEndpointsChanged(ClusterState before, ClusterState after) {
        return sameObjects(before.ingresses(), after.ingresses())
                && sameObjects(before.ingressClasses(), after.ingressClasses())
                && sameObjects(before.services(), after.services())
                && sameObjects(before.secrets(), after.secrets())
                && sameObjects(before.configMaps(), after.configMaps());
    }

    /** Equal as sets (fabric8 models compare by value); informers and files give no order. */
    private static boolean sameObjects(List<?> a, List<?> b) {
        return a.size() == b.size() && (a.equals(b) || new HashSet<>(a).equals(new HashSet<>(b)));
    }

    private static RouteTable rebind(RouteTable table, BackendResolver resolver) {
        // Keyed by the old endpoints too: one Service port is a ClusterIP backend on a service-upstream
        // route and a pod backend on another, under the same name.
        Map<List<Object>, Backend> fresh = new HashMap<>();
        Function<Backend, Backend> resolve = old -> fresh.computeIfAbsent(List.of(old.name(), old.endpoints()),
                n -> resolver.rebind(old));
        return new RouteTable(table.version(), rebindHosts(table.exactHosts(), resolve),
                rebindHosts(table.wildcardHosts(), resolve), rebind(table.defaultServer(), resolve), table.sources(),
                table.certificates());
    }

    private static Map<String, VirtualHost> rebindHosts(Map<String, VirtualHost> hosts, Function<Backend, Backend> resolve) {
        Map<String, VirtualHost> out = new HashMap<>();
        hosts.forEach((key, vh) -> out.put(key, rebind(vh, resolve)));
        return out;
    }

    private static VirtualHost rebind(VirtualHost vh, Function<Backend, Backend> resolve) {
        List<Route> routes = new ArrayList<>(vh.routes().size());
        for (Route r : vh.routes()) {
            routes.add(rebind(r, resolve));
        }
        return new VirtualHost(vh.name(), routes, vh.fallback() == null ? null : rebind(vh.fallback(), resolve),
                vh.policies());
    }

    private static Route rebind(Route r, Function<Backend, Backend> resolve) {
        CanaryRule c = r.canary();
        Policies policies = rebind(r.policies(), resolve);
        if (r.multiCanary() != null) {
            return new Route(r.namespace(), r.ingress(), r.host(), r.match(), resolve.apply(r.backend()), c,
                    r.options(), policies).withCanaries(r.multiCanary().map(k -> k.withBackend(resolve.apply(k.backend()))));
        }
        CanaryRule canary = c == null ? null : c.withBackend(resolve.apply(c.backend()));
        return new Route(r.namespace(), r.ingress(), r.host(), r.match(), resolve.apply(r.backend()), canary,
                r.options(), policies);
    }

    /** The error backends a route's policies name (default-backend, --default-backend-service). */
    private static Policies rebind(Policies policies, Function<Backend, Backend> resolve) {
        CustomErrors errors = policies.find(CustomErrors.class);
        return errors == null ? policies
                : policies.without(Step.CUSTOM_ERRORS).with(List.of(errors.rebind(resolve)));
    }
}
