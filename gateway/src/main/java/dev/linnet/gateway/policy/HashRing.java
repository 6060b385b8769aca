package dev.linnet.gateway.policy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * lua-resty-balancer's consistent-hash ring ({@code chash}, which ingress-nginx uses for
 * {@code upstream-hash-by} and for balanced affinity): 160 points per node chained as
 * {@code p(i) = crc32(id ‖ le32(p(i-1)))}, {@code p(-1) = 0}, sorted; a key lands on the node of
 * the first point ≥ {@code crc32(key)}, wrapping around. Built once per routing table; a lookup
 * is a binary search that allocates nothing.
 */
final class HashRing {

    static final int POINTS_PER_NODE = 160;

    private final int[] points; // hashes as unsigned ints, ascending
    private final int[] owner; // node index of each point

    private HashRing(int[] points, int[] owner) {
        this.points = points;
        this.owner = owner;
    }

    /** A ring over nodes named {@code ids} (for endpoints: {@code "addr:port"}). */
    static HashRing of(List<String> ids) {
        // hash << 32 | node index, sign bit flipped so that a signed sort orders unsigned hashes
        long[] sorted = new long[ids.size() * POINTS_PER_NODE];
        CRC32 crc = new CRC32();
        for (int node = 0; node < ids.size(); node++) {
            byte[] id = ids.get(node).getBytes(StandardCharsets.UTF_8);
            long prev = 0;
            for (int i = 0; i < POINTS_PER_NODE; i++) {
                crc.reset();
                crc.update(id);
                crc.update(new byte[] {(byte) prev, (byte) (prev >> 8), (byte) (prev >> 16), (byte) (prev >> 24)});
                prev = crc.getValue();
                sorted[node * POINTS_PER_NODE + i] = (prev << 32 | node) ^ Long.MIN_VALUE;
            }
        }
        Arrays.sort(sorted);
        int[] points = new int[sorted.length];
        int[] owner = new int[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            long p = sorted[i] ^ Long.MIN_VALUE;
            points[i] = (int) (p >>> 32);
            owner[i] = (int) p;
        }
        return new HashRing(points, owner);
    }

    boolean isEmpty() {
        return points.length == 0;
    }

    int size() {
        return points.length;
    }

    /** The position of the first point at or after {@code hash} (unsigned), wrapping around; -1 when empty. */
    int point(int hash) {
        if (points.length == 0) {
            return -1;
        }
        int lo = 0;
        int hi = points.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Integer.compareUnsigned(points[mid], hash) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == points.length ? 0 : lo;
    }

    /** The node owning the point at {@code position} (taken modulo the ring's size). */
    int ownerAt(int position) {
        return owner[position % owner.length];
    }

    /** The node {@code hash} lands on; -1 when the ring is empty. */
    int owner(int hash) {
        int p = point(hash);
        return p < 0 ? -1 : owner[p];
    }
}
