package dev.linnet.controller.build;

import dev.linnet.controller.annotation.AffinityAnnotations;
import dev.linnet.controller.annotation.CanaryAnnotations;
import dev.linnet.controller.annotation.Deviation;
import dev.linnet.gateway.policy.Affinity;
import dev.linnet.gateway.policy.Step;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.route.Route;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The build as ingress-nginx ({@link BuildOptions#asIngressNginx}), upstream part: the canaries
 * {@link CanaryProcessor} attached rule by rule, and the session affinity each route got from its
 * own Ingress, redone as ingress-nginx keeps them — on the Service's upstream (canary-spec.md §2,
 * §3; affinity-spec.md §2). Each place where that moves traffic gets a
 * {@link Deviation} note on the Ingresses concerned; {@code linnet check} compares the result
 * with Linnet's table. Never runs for a table that serves traffic.
 *
 * <pre>
 *   canary-weight-total below 100     ─▶ 100 (Lua: W = max(100, total))
 *   canary Service also a main's      ─▶ older main: the canary gets no policy, never chosen (#3952)
 *                                         older canary: the main's paths get no location (#8004)
 *   main Service shared by rules      ─▶ every route on that main upstream gets the first canary
 *                                         attached to it, with the canary upstream's first policy (#4692)
 *   main Service without endpoints    ─▶ 503 before any canary is consulted (#9635): no canary
 *   affinity on a Service's rule      ─▶ every rule path on that Service sticky, with the cookie of the
 *                                         newest Ingress that sets one, the mode of the oldest (#3168)
 * </pre>
 *
 * Several canaries on one rule ({@code linnet.dev/multi-canary}) are never formed in this build:
 * {@link CanaryProcessor#readMultiCanary} notes it instead.
 */
final class IngressNginxUpstreams {

    private IngressNginxUpstreams() {
    }

    static void apply(BuildContext ctx, List<IngressEntry> parsed) {
        String prefix = ctx.options().annotationsPrefix();
        Map<String, Integer> rank = new HashMap<>();
        for (int i = 0; i < parsed.size(); i++) {
            rank.put(parsed.get(i).key(), i);
        }
        weightTotals(ctx, prefix);
        canaryServiceAlsoMain(ctx, prefix, rank);
        sharedMainService(ctx, prefix, rank);
        mainWithoutEndpoints(ctx, prefix);
        affinity(ctx, prefix, rank);
    }

    /** Every route of every host and every fallback, with where it sits. */
    private record Slot(HostBuilder host, Route route, boolean fallback) {

        void replace(Route r) {
            if (fallback) {
                host.fallback(r);
            } else {
                host.replace(r);
            }
        }

        String where() {
            return fallback ? "host " + host.host().name() + " (its spec.defaultBackend)"
                    : IngressPaths.describe(host.host().name(), route.match());
        }

        String owner() {
            return route.namespace() + '/' + route.ingress();
        }
    }

    private static List<Slot> slots(BuildContext ctx) {
        List<Slot> all = new ArrayList<>();
        for (HostBuilder hb : ctx.hosts()) {
            for (Route r : hb.routes()) {
                all.add(new Slot(hb, r, false));
            }
            if (hb.fallback() != null) {
                all.add(new Slot(hb, hb.fallback(), true));
            }
        }
        return all;
    }

    private static void weightTotals(BuildContext ctx, String prefix) {
        Map<String, CanaryRule> noted = new HashMap<>();
        for (Slot s : slots(ctx)) {
            CanaryRule c = s.route().canary();
            if (c == null || c.weightTotal() >= 100) {
                continue;
            }
            if (noted.put(c.namespace() + '/' + c.ingress(), c) == null) {
                ctx.warn(c.namespace(), c.ingress(), Deviation.note(CanaryAnnotations.WEIGHT_TOTAL.fullName(prefix),
                        c.weightTotal() + " is below 100: ingress-nginx uses 100, so weight " + c.weight() + " sends "
                                + percent(c.weight(), 100) + " of requests to the canary; Linnet sends "
                                + percent(c.weight(), c.weightTotal())));
            }
            s.replace(s.route().withCanary(new CanaryRule(c.namespace(), c.ingress(), c.backend(), c.header(),
                    c.headerValue(), c.headerPattern(), c.cookie(), c.weight(), 100, c.legacyAffinity(), c.sticky())));
        }
    }

    private static String percent(int weight, int total) {
        long p = Math.round(100.0 * Math.max(0, Math.min(weight, total)) / total);
        return p + " %";
    }

    /**
     * ingress-nginx names upstreams by Service, and the first Ingress in sort order to name one
     * creates it: a canary's Service that a main rule also uses is either an ordinary upstream
     * (the canary gets no policy) or a canary one (the main's paths get no location).
     */
    private static void canaryServiceAlsoMain(BuildContext ctx, String prefix, Map<String, Integer> rank) {
        Map<String, Slot> oldestMain = new HashMap<>(); // backend name → the oldest main route on it
        for (Slot s : slots(ctx)) {
            oldestMain.merge(s.route().backend().name(), s, (a, b) -> older(rank, b, a) ? b : a);
        }
        Map<HostBuilder, List<Route>> dropped = new LinkedHashMap<>(); // paths ingress-nginx gives no location
        for (Slot s : slots(ctx)) {
            CanaryRule c = s.route().canary();
            Slot main = c == null ? null : oldestMain.get(c.backend().name());
            if (main == null) {
                continue;
            }
            String canary = key(c);
            if (rank(rank, main.owner()) < rank(rank, canary)) {
                ctx.warn(c.namespace(), c.ingress(), Deviation.note(canaryKey(prefix), "its Service "
                        + c.backend().service() + " also backs " + main.where() + " of the older Ingress "
                        + main.owner() + ": ingress-nginx keeps that upstream as an ordinary one, so this canary"
                        + " gets no rules and never receives traffic (#3952); Linnet splits " + s.where()));
                s.replace(s.route().withCanary(null));
                continue;
            }
            for (Slot other : slots(ctx)) {
                if (other.fallback() || !other.route().backend().name().equals(c.backend().name())) {
                    continue;
                }
                ctx.warn(other.route().namespace(), other.route().ingress(), Deviation.note(canaryKey(prefix),
                        other.where() + ": its Service " + c.backend().service() + " is the canary Service of the"
                                + " older canary Ingress " + canary + ": ingress-nginx creates no location for this"
                                + " path, so its requests fall through to the host's other paths or the default"
                                + " backend (#8004); Linnet serves it"));
                ctx.warn(c.namespace(), c.ingress(), Deviation.note(canaryKey(prefix), "its Service "
                        + c.backend().service() + " also backs " + other.where() + " of Ingress " + other.owner()
                        + ": ingress-nginx drops that path (#8004); Linnet serves it"));
                dropped.computeIfAbsent(other.host(), h -> new ArrayList<>()).add(other.route());
            }
        }
        dropped.forEach((host, routes) -> host.replaceAll(host.routes().stream()
                .filter(r -> routes.stream().noneMatch(d -> d.match().equals(r.match()))).toList()));
    }

    /**
     * ingress-nginx keeps a canary on the main Service's upstream, and Lua takes only the first
     * one attached: every route on that upstream, of any host and Ingress, gets it, with the rules
     * of the first canary Ingress that named the canary Service.
     */
    private static void sharedMainService(BuildContext ctx, String prefix, Map<String, Integer> rank) {
        Map<String, CanaryRule> firstPolicy = new HashMap<>(); // canary backend → rules of its oldest canary Ingress
        Map<String, CanaryRule> firstCanary = new LinkedHashMap<>(); // main backend → the oldest canary on it
        Map<String, Slot> attachedAt = new HashMap<>(); // canary Ingress → where it was attached first
        for (Slot s : slots(ctx)) {
            CanaryRule c = s.route().canary();
            if (c == null) {
                continue;
            }
            String canary = c.namespace() + '/' + c.ingress();
            firstPolicy.merge(c.backend().name(), c, (a, b) -> rank(rank, key(b)) < rank(rank, key(a)) ? b : a);
            firstCanary.merge(s.route().backend().name(), c, (a, b) -> rank(rank, key(b)) < rank(rank, key(a)) ? b : a);
            attachedAt.merge(canary, s, (a, b) -> a);
        }
        for (Slot s : slots(ctx)) {
            CanaryRule first = firstCanary.get(s.route().backend().name());
            if (first == null) {
                continue;
            }
            CanaryRule chosen = firstPolicy.get(first.backend().name()).withBackend(first.backend());
            CanaryRule own = s.route().canary();
            if (chosen.equals(own)) {
                continue;
            }
            Slot named = attachedAt.get(key(first));
            String canary = key(chosen);
            String service = s.route().backend().service() + " port " + s.route().backend().port();
            String linnet = own == null ? "Linnet sends none of it to a canary"
                    : "Linnet uses its own canary " + key(own);
            ctx.warn(s.route().namespace(), s.route().ingress(), Deviation.note(canaryKey(prefix), s.where()
                    + " shares main Service " + service + " with " + named.where() + ", which canary " + key(first)
                    + " names: ingress-nginx sends this path's traffic to canary " + canary + " too, by its rules"
                    + " (#4692); " + linnet));
            if (!canary.equals(s.owner())) {
                ctx.warn(chosen.namespace(), chosen.ingress(), Deviation.note(canaryKey(prefix), "ingress-nginx"
                        + " also applies this canary to " + s.where() + " of Ingress " + s.owner() + " (the same main"
                        + " Service " + service + "); Linnet only to the rules it names"));
            }
            s.replace(s.route().withCanary(chosen));
        }
    }

    private static void mainWithoutEndpoints(BuildContext ctx, String prefix) {
        for (Slot s : slots(ctx)) {
            CanaryRule c = s.route().canary();
            if (c == null || s.route().backend().hasEndpoints() || !c.backend().hasEndpoints()) {
                continue;
            }
            String text = s.where() + ": main Service " + s.route().backend().service() + " has no ready endpoints,"
                    + " so ingress-nginx answers 503 before consulting canary " + key(c) + ", even for requests its"
                    + " header, cookie or weight send there (#9635); Linnet sends those to the canary";
            ctx.warn(s.route().namespace(), s.route().ingress(), Deviation.note(canaryKey(prefix), text));
            if (!key(c).equals(s.owner())) {
                ctx.warn(c.namespace(), c.ingress(), Deviation.note(canaryKey(prefix), text));
            }
            s.replace(s.route().withCanary(null));
        }
    }

    /**
     * ingress-nginx keeps affinity on the upstream: the first Ingress (in sort order) with
     * affinity makes the Service sticky for every location on it, the mode is the first one set,
     * and the cookie's attributes are the last Ingress's (affinity-spec.md §2). Only rule paths
     * count, never a fallback from {@code spec.defaultBackend}.
     */
    private static void affinity(BuildContext ctx, String prefix, Map<String, Integer> rank) {
        Map<String, List<Slot>> byService = new LinkedHashMap<>();
        for (Slot s : slots(ctx)) {
            if (!s.fallback()) {
                byService.computeIfAbsent(s.route().backend().name(), k -> new ArrayList<>()).add(s);
            }
        }
        for (List<Slot> slots : byService.values()) {
            List<Slot> sticky = new ArrayList<>(slots.stream().filter(s -> affinityOf(s) != null).toList());
            if (sticky.isEmpty()) {
                continue;
            }
            sticky.sort((a, b) -> Integer.compare(rank(rank, a.owner()), rank(rank, b.owner())));
            Affinity oldest = affinityOf(sticky.get(0));
            Slot newestSlot = sticky.get(sticky.size() - 1);
            Affinity newest = affinityOf(newestSlot);
            Affinity upstream = new Affinity(oldest.persistent(), newest.changeOnFailure(), newest.cookie());
            for (Slot s : slots) {
                Affinity own = affinityOf(s);
                if (upstream.equals(own)) {
                    continue;
                }
                String service = s.route().backend().service() + " port " + s.route().backend().port();
                String text = own == null
                        ? s.where() + ": ingress-nginx keeps session affinity per Service, so requests here with cookie "
                                + upstream.cookie().name() + " stick to one pod too, as on " + sticky.get(0).where()
                                + " of Ingress " + sticky.get(0).owner() + " (same Service " + service + "; #3168);"
                                + " Linnet: only the paths of an Ingress with affinity are sticky"
                        : s.where() + ": ingress-nginx keeps one affinity per Service " + service + ": cookie "
                                + upstream.cookie().name() + " of the newest Ingress " + newestSlot.owner() + ", mode "
                                + (upstream.persistent() ? "persistent" : "balanced") + " of the oldest; Linnet"
                                + " keeps this Ingress's own (cookie " + own.cookie().name() + ")";
                ctx.warn(s.route().namespace(), s.route().ingress(), Deviation.note(
                        AffinityAnnotations.AFFINITY.fullName(prefix), text));
                s.replace(s.route().withPolicies(s.route().policies().without(Step.AFFINITY).with(List.of(upstream))));
            }
        }
    }

    private static Affinity affinityOf(Slot s) {
        return s.route().policies().find(Affinity.class);
    }

    private static String canaryKey(String prefix) {
        return CanaryAnnotations.CANARY.fullName(prefix);
    }

    private static String key(CanaryRule c) {
        return c.namespace() + '/' + c.ingress();
    }

    private static int rank(Map<String, Integer> rank, String ingress) {
        return rank.getOrDefault(ingress, Integer.MAX_VALUE);
    }

    private static boolean older(Map<String, Integer> rank, Slot a, Slot b) {
        return rank(rank, a.owner()) < rank(rank, b.owner());
    }
}
