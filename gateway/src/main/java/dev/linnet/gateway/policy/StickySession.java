package dev.linnet.gateway.policy;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.upstream.EndpointChooser;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One request's sticky choice on one backend (ingress-nginx's {@code sticky.lua balance}, run per
 * try; affinity-spec.md §4.2–§4.3):
 *
 * <pre>
 *   pinned := cookie's upstream key → endpoint  (balanced: ring, any value lands; persistent: exact)
 *   retry and change-on-failure, or not pinned ─▶ pick a new endpoint (not tried by this request)
 *                                                 and remember its key for Set-Cookie
 *   else                                        ─▶ the pinned endpoint, on every try
 * </pre>
 *
 * ingress-nginx adds one {@code Set-Cookie} per new pick; here the response carries one, for the
 * last pick, and only when that pick connected (a deliberate difference: browsers keep the last
 * header anyway, and a cookie for a pod that refused the connection pins nobody usefully).
 */
final class StickySession implements EndpointChooser {

    /** ingress-nginx tries up to 20 random keys to avoid endpoints this request already tried. */
    private static final int BALANCED_DRAWS = 20;

    private final Affinity affinity;
    private final StickyIndex index;
    private final String upstreamKey; // the request cookie's first part, or null
    private String newKey; // the last new pick's key, or null
    private boolean newConnected;

    StickySession(Affinity affinity, StickyIndex index, String upstreamKey) {
        this.affinity = affinity;
        this.index = index;
        this.upstreamKey = upstreamKey;
    }

    @Override
    public int choose(Backend backend, Backend.Fitness fitness, boolean retry) {
        newKey = null;
        newConnected = false;
        if (upstreamKey != null && !(retry && affinity.changeOnFailure())) {
            int pinned = affinity.persistent() ? index.persistent(upstreamKey) : index.balanced(upstreamKey);
            if (pinned >= 0) {
                return pinned;
            }
        }
        return affinity.persistent() ? pickPersistent(backend, fitness) : pickBalanced(backend, fitness);
    }

    /** A uniform random endpoint among the fittest (untried, not skipped by the health check). */
    private int pickPersistent(Backend backend, Backend.Fitness fitness) {
        int chosen = Picks.randomFittest(backend, fitness, null);
        newKey = StickyIndex.persistentKey(backend, chosen);
        return chosen;
    }

    /** A random key hashed onto the ring: a near-uniform random endpoint, keeping clear of tried ones. */
    private int pickBalanced(Backend backend, Backend.Fitness fitness) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int chosen = -1;
        for (int draw = 0; draw < BALANCED_DRAWS; draw++) {
            // "<seconds.millis>.<pid>.<random>", the shape of ingress-nginx's key; any value works
            long now = System.currentTimeMillis();
            String key = now / 1000 + "." + now % 1000 + "." + ProcessHandle.current().pid() + "."
                    + (1 + random.nextInt(999_999));
            chosen = index.balanced(key);
            newKey = key;
            if (fitness.rank(chosen, backend.endpoint(chosen)) == 0) {
                break;
            }
        }
        return chosen;
    }

    @Override
    public void connected() {
        newConnected = newKey != null;
    }

    /** The cookie value to set ({@code upstream_key|backend_key}), or {@code null} when the pin stands. */
    String cookieValue() {
        return newConnected ? newKey + '|' + index.backendKey() : null;
    }
}
