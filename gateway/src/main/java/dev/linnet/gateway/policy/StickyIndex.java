package dev.linnet.gateway.policy;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.Endpoint;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

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

    private final String backendKey;
    private final Map<String, Integer> persistent;
    private final HashRing ring;

    private StickyIndex(String backendKey, Map<String, Integer> persistent, HashRing ring) {
        this.backendKey = backendKey;
        this.persistent = persistent;
        this.ring = ring;
    }

    static StickyIndex of(Backend backend) {
        String name = backend.name();
        Map<String, Integer> persistent = new HashMap<>();
        for (int e = 0; e < backend.endpoints().size(); e++) {
            persistent.put(md5hex(name + backend.endpoint(e)), e);
        }
        return new StickyIndex(backendKey(name), Map.copyOf(persistent), ring(backend));
    }

    /** The ring of a backend's endpoints, as ingress-nginx names them: {@code addr:port}, IPv6 without brackets. */
    static HashRing ring(Backend backend) {
        List<String> ids = new ArrayList<>(backend.endpoints().size());
        for (Endpoint e : backend.endpoints()) {
            ids.add(e.address() + ':' + e.port());
        }
        return HashRing.of(ids);
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
        return ring.owner(Crc32.of(key));
    }

    /** The endpoint owning the first ring point at or after {@code hash}. */
    int owner(int hash) {
        return ring.owner(hash);
    }

    static String md5hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
    }
}
