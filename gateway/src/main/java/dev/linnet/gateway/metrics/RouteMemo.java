package dev.linnet.gateway.metrics;

import dev.linnet.gateway.route.Route;
import java.util.Arrays;

/**
 * One event loop's memo of route → {@link RouteMeters}, in front of the shared Caffeine cache:
 * a Caffeine hit records the read in a striped ring buffer with a CAS, the one atomic update
 * {@link GatewayMetrics#record} still made per request after issue 7's cells. Direct-mapped by
 * identity hash, owned by one thread ({@link WriterSlots}), so plain arrays suffice.
 *
 * <p>A new table bumps the generation; the owner then forgets everything on its next lookup,
 * so a Route object reused by a later table is resolved afresh (as the cache's invalidateAll
 * does) and the memo keeps no replaced table alive for longer than one request.
 */
final class RouteMemo {

    private static final int SIZE = 512; // power of two; a miss only costs the Caffeine lookup
    private final Route[] routes = new Route[SIZE];
    private final RouteMeters[] meters = new RouteMeters[SIZE];
    private int generation;

    /** The memoised meters of {@code route}, or null. */
    RouteMeters get(Route route, int currentGeneration) {
        if (generation != currentGeneration) {
            Arrays.fill(routes, null);
            Arrays.fill(meters, null);
            generation = currentGeneration;
            return null;
        }
        int i = index(route);
        return routes[i] == route ? meters[i] : null;
    }

    void put(Route route, RouteMeters m) {
        int i = index(route);
        routes[i] = route;
        meters[i] = m;
    }

    private static int index(Route route) {
        int h = System.identityHashCode(route);
        return (h ^ (h >>> 16)) & (SIZE - 1);
    }
}
