package dev.linnet.gateway.policy;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.Endpoint;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * What affinity needs of one backend, computed once per routing table ({@link Backend#derived})
 * with ingress-nginx's functions, so a cookie issued by ingress-nginx or by any Linnet replica
 * pins the same pod (affinity-spec.md §4.1, §4.6):
 *
 * <ul>
 *   <li>{@link #backendKey}: {@code md5hex(md5hex(name) .. name)}, the cookie's second part, which
 *       says which side of a canary the client is pinned to;</li>
 *   <li>persistent keys: {@code md5hex(name .. "ip:port")} → endpoint (IPv6 as {@code [addr]:port});</li>
 *   <li>the balanced ring: lua-resty-balancer's {@code chash}, 160 points per endpoint chained as
 *       {@code p(i) = crc32(id ‖ le32(p(i-1)))}, {@code p(-1) = 0}, {@code id = "addr:port"};
 *       a key lands on the first point ≥ {@code crc32(key)}, wrapping around.</li>
 * </ul>
 */
final class StickyIndex {

    static final int POINTS_PER_ENDPOINT = 160;

    private final String backendKey;
    private final Map<String, Integer> persistent;
    private final int[] ring; // point hashes as unsigned ints, ascending
    private final int[] owner; // endpoint index of each point

    private StickyIndex(String backendKey, Map<String, Integer> persistent, int[] ring, int[] owner) {
        this.backendKey = backendKey;
        this.persistent = persistent;
        this.ring = ring;
        this.owner = owner;
    }

    static StickyIndex of(Backend backend) {
        String name = backend.name();
        int n = backend.endpoints().size();
        Map<String, Integer> persistent = new HashMap<>(n * 2);
        // hash << 32 | endpoint index, sign bit flipped so that a signed sort orders unsigned hashes
        long[] points = new long[n * POINTS_PER_ENDPOINT];
        for (int e = 0; e < n; e++) {
            Endpoint endpoint = backend.endpoint(e);
            persistent.put(md5hex(name + endpoint), e);
            byte[] id = (endpoint.address() + ':' + endpoint.port()).getBytes(StandardCharsets.UTF_8);
            long prev = 0;
            CRC32 crc = new CRC32();
            for (int i = 0; i < POINTS_PER_ENDPOINT; i++) {
                crc.reset();
                crc.update(id);
                crc.update(new byte[] {(byte) prev, (byte) (prev >> 8), (byte) (prev >> 16), (byte) (prev >> 24)});
                prev = crc.getValue();
                points[e * POINTS_PER_ENDPOINT + i] = (prev << 32 | e) ^ Long.MIN_VALUE;
            }
        }
        Arrays.sort(points);
        int[] ring = new int[points.length];
        int[] owner = new int[points.length];
        for (int i = 0; i < points.length; i++) {
            long p = points[i] ^ Long.MIN_VALUE;
            ring[i] = (int) (p >>> 32);
            owner[i] = (int) p;
        }
        return new StickyIndex(backendKey(name), Map.copyOf(persistent), ring, owner);
    }

    static String backendKey(String backendName) {
        return md5hex(md5hex(backendName) + backendName);
    }

    String backendKey() {
        return backendKey;
    }

    /** Persistent mode: the endpoint {@code key} names exactly, or -1 (gone, garbage, another backend's). */
    int persistent(String key) {
        Integer e = persistent.get(key);
        return e == null ? -1 : e;
    }

    /** The persistent key of endpoint {@code index}. */
    static String persistentKey(Backend backend, int index) {
        return md5hex(backend.name() + backend.endpoint(index));
    }

    /** Balanced mode: the endpoint {@code key} hashes to; -1 only without endpoints. */
    int balanced(String key) {
        if (ring.length == 0) {
            return -1;
        }
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return owner((int) crc.getValue());
    }

    /** The endpoint owning the first point at or after {@code hash} (unsigned), wrapping around. */
    int owner(int hash) {
        int lo = 0;
        int hi = ring.length; // first point >= hash, unsigned
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Integer.compareUnsigned(ring[mid], hash) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return owner[lo == ring.length ? 0 : lo];
    }

    static String md5hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
    }
}
