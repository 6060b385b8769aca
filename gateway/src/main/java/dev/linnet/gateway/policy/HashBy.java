package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.split.Decision;
import dev.linnet.gateway.upstream.EndpointChooser;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code upstream-hash-by} (affinity-spec.md §3): the request's key picks the pod on a
 * consistent-hash ring of the chosen side's endpoints, so equal keys reach equal pods and a pod
 * that goes away moves only its own keys. With {@code upstream-hash-by-subset} the key picks a
 * subset of {@code subsetSize} pods instead, and a random pod of it serves.
 *
 * <pre>
 *   chash:   first try ─▶ ring owner of crc32(key)
 *            retry     ─▶ the next ring point owned by a pod this request has not tried
 *   subset:  subsets "set1".."setN" of subsetSize pods in endpoint order, the last padded with the
 *            first pods; ring over the subset names ─▶ a random pod of the subset (untried first)
 * </pre>
 *
 * ingress-nginx retries a chash request on the same pod (its chash ignores failures); here a
 * retry walks on along the ring, as plain nginx's {@code hash ... consistent} does.
 *
 * @param subsetSize pods per subset, or 0 for plain consistent hashing
 */
public record HashBy(HashKey key, int subsetSize) implements EndpointPolicy {

    public HashBy {
        requireNonNull(key, "key");
        if (subsetSize < 0) {
            throw new IllegalArgumentException("subsetSize: " + subsetSize + " (expected: >= 0)");
        }
    }

    @Override
    public Step step() {
        return Step.HASH_BY;
    }

    @Override
    public Decision pinned(RequestContext request, CanaryRule canary) {
        return null; // a hash picks pods, never a side
    }

    @Override
    public EndpointChooser chooser(RequestContext request, Backend backend) {
        return new Choice(this, key.hash(request));
    }

    @Override
    public void prepare(Backend backend) {
        if (subsetSize > 0) {
            backend.derived(this, b -> Subsets.of(b, subsetSize));
        } else {
            backend.derived(HashRing.class, StickyIndex::ring);
        }
    }

    /** The subsets of a backend for this policy's size, with their ring; once per routing table. */
    private record Subsets(int[][] members, HashRing ring) {
        static Subsets of(Backend backend, int size) {
            int n = backend.endpoints().size();
            int sets = (n + size - 1) / size;
            int[][] members = new int[sets][size];
            List<String> ids = new ArrayList<>(sets);
            for (int s = 0; s < sets; s++) {
                for (int i = 0; i < size; i++) {
                    members[s][i] = (s * size + i) % n;
                }
                ids.add("set" + (s + 1));
            }
            return new Subsets(members, HashRing.of(ids));
        }
    }

    private static final class Choice implements EndpointChooser {
        private final HashBy policy;
        private final int hash;

        Choice(HashBy policy, int hash) {
            this.policy = policy;
            this.hash = hash;
        }

        @Override
        public int choose(Backend backend, Backend.Fitness fitness, boolean retry) {
            if (policy.subsetSize > 0) {
                Subsets subsets = backend.derived(policy, b -> Subsets.of(b, policy.subsetSize()));
                return Picks.randomFittest(backend, fitness, subsets.members()[subsets.ring().owner(hash)]);
            }
            HashRing ring = backend.derived(HashRing.class, StickyIndex::ring);
            int start = ring.point(hash);
            if (!retry) {
                return ring.ownerAt(start);
            }
            int best = -1;
            int bestRank = Integer.MAX_VALUE;
            for (int k = 0; k < ring.size(); k++) {
                int e = ring.ownerAt(start + k);
                int rank = fitness.rank(e, backend.endpoint(e));
                if (rank == 0) {
                    return e;
                }
                if (rank < bestRank) {
                    best = e;
                    bestRank = rank;
                }
            }
            return best;
        }

        @Override
        public void connected() {
        }
    }
}
