package dev.linnet.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.Endpoint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** The keys and the ring against ingress-nginx's values (affinity-spec.md §4.1 test vectors, §6.5). */
class StickyIndexTest {

    private static Backend backend(int pods) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < pods; i++) {
            endpoints.add(new Endpoint("10.244.0." + (10 + i), 80));
        }
        return Backend.of("default", "httpbun", "80", endpoints);
    }

    @Test
    void a27_backendKeysAreIngressNginxs() {
        assertThat(StickyIndex.backendKey("default-httpbun-80")).isEqualTo("773bd53449fe31b3922ee36fb83a39cc");
        assertThat(StickyIndex.backendKey("default-httpbun-canary-80")).isEqualTo("fb9fbefff62b4f4d4e56984f36324b93");
        assertThat(StickyIndex.of(backend(1)).backendKey()).isEqualTo("773bd53449fe31b3922ee36fb83a39cc");
    }

    @Test
    void persistentKeysAreIngressNginxs() {
        Backend b = backend(2); // 10.244.0.10, 10.244.0.11
        assertThat(StickyIndex.persistentKey(b, 1)).isEqualTo("8750fcbb6a5d792bf6eda358990376ea");
        assertThat(StickyIndex.of(b).persistent("8750fcbb6a5d792bf6eda358990376ea")).isEqualTo(1);
        assertThat(StickyIndex.of(b).persistent("10.244.0.11:80")).as("a legacy value is a miss").isEqualTo(-1);
    }

    @Test
    void ringSpreadsKeysAndMovesOnlyTheRemovedPodsKeys() {
        Backend five = backend(5);
        StickyIndex full = StickyIndex.of(five);
        Backend four = Backend.of("default", "httpbun", "80", five.endpoints().subList(0, 4));
        StickyIndex fewer = StickyIndex.of(four);
        Map<Integer, Integer> counts = new HashMap<>();
        int moved = 0;
        for (int k = 0; k < 10_000; k++) {
            String key = "1773950400.123.4711." + k;
            int e = full.balanced(key);
            counts.merge(e, 1, Integer::sum);
            if (e < 4) {
                assertThat(fewer.balanced(key)).as("a key on a remaining pod stays").isEqualTo(e);
            } else {
                moved++;
            }
        }
        assertThat(counts).hasSize(5);
        counts.values().forEach(c -> assertThat(c).isBetween(1_000, 3_000)); // 2 000 expected; 160 points each
        assertThat(moved).isEqualTo(counts.get(4));
    }

    @Test
    void ringPointsAreChainedCrc32sOfTheEndpoint() {
        // lua-resty-balancer: p(0) = crc32("ip:port" ‖ 00 00 00 00), p(i) = crc32("ip:port" ‖ le32(p(i-1)))
        StickyIndex three = StickyIndex.of(backend(3));
        long p = 0;
        for (int i = 0; i < HashRing.POINTS_PER_NODE; i++) {
            CRC32 crc = new CRC32();
            crc.update("10.244.0.11:80".getBytes(StandardCharsets.US_ASCII));
            crc.update(new byte[] {(byte) p, (byte) (p >> 8), (byte) (p >> 16), (byte) (p >> 24)});
            p = crc.getValue();
            assertThat(three.owner((int) p)).as("point %d", i).isEqualTo(1);
        }
    }

    @Test
    void noEndpointsNoPin() {
        StickyIndex empty = StickyIndex.of(Backend.of("default", "x", "80", List.of()));
        assertThat(empty.balanced("anything")).isEqualTo(-1);
        assertThat(empty.persistent("anything")).isEqualTo(-1);
    }
}
