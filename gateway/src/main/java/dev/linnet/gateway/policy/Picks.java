package dev.linnet.gateway.policy;

import dev.linnet.gateway.route.Backend;
import java.util.concurrent.ThreadLocalRandom;

/** Random picks among the fittest endpoints, shared by the endpoint policies. */
final class Picks {

    private Picks() {
    }

    /**
     * A uniform random endpoint among those of the lowest rank (untried and not skipped by the
     * health check first): one pass, reservoir sampling, no allocation.
     *
     * @param members the candidate indices, or {@code null} for every endpoint
     */
    static int randomFittest(Backend backend, Backend.Fitness fitness, int[] members) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int n = members == null ? backend.endpoints().size() : members.length;
        int best = Integer.MAX_VALUE;
        int count = 0;
        int chosen = -1;
        for (int k = 0; k < n; k++) {
            int e = members == null ? k : members[k];
            int rank = fitness.rank(e, backend.endpoint(e));
            if (rank < best) {
                best = rank;
                count = 0;
            }
            if (rank == best && random.nextInt(++count) == 0) {
                chosen = e;
            }
        }
        return chosen;
    }
}
