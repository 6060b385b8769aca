package dev.linnet.gateway.split;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The sticky assignment function of issue 17 §2, its published test vectors and its properties. */
class StickyCanaryTest {

    @Test
    void publishedTestVectors() { // README "Sticky canaries"; computed independently with Python's hashlib
        assertThat(StickyCanary.position("shop/web-canary", "alice")).isEqualTo(0x269d7e6e87024ed0L);
        assertThat(StickyCanary.position("shop/web-canary", "bob")).isEqualTo(0x581d332f5c2bc00eL);
        assertThat(StickyCanary.position("default/canary", "3q2-7wEjSw2hTq3Xc1Jp8g")).isEqualTo(0xe7862a187dcbb947L);
        // buckets of 100: 15, 34, 90
        long alice = StickyCanary.position("shop/web-canary", "alice");
        assertThat(StickyCanary.canary(alice, 15, 100)).isFalse();
        assertThat(StickyCanary.canary(alice, 16, 100)).isTrue();
        long third = 0xe7862a187dcbb947L; // above 2^63: the unsigned arithmetic matters
        assertThat(StickyCanary.canary(third, 90, 100)).isFalse();
        assertThat(StickyCanary.canary(third, 91, 100)).isTrue();
        assertThat(StickyCanary.canary(third, 904, 1000)).isFalse();
        assertThat(StickyCanary.canary(third, 905, 1000)).isTrue();
    }

    @Test
    void weightRampsAreNestedAndProportional() {
        SplittableRandom random = new SplittableRandom(17);
        int keys = 10_000;
        long[] u = new long[keys];
        for (int i = 0; i < keys; i++) {
            u[i] = StickyCanary.position("ns/canary", StickyCanary.newId(random));
        }
        boolean[] previous = new boolean[keys];
        for (int w = 0; w <= 100; w += 5) {
            int count = 0;
            for (int i = 0; i < keys; i++) {
                boolean now = StickyCanary.canary(u[i], w, 100);
                assertThat(!previous[i] || now).as("key %d left the canary when the weight rose to %d", i, w).isTrue();
                previous[i] = now;
                count += now ? 1 : 0;
            }
            assertThat(count / (double) keys).as("share at weight %d", w).isBetween(w / 100.0 - 0.02, w / 100.0 + 0.02);
        }
    }

    @Test
    void onlyTheRatioMatters() {
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 10_000; i++) {
            long u = random.nextLong();
            for (int w : new int[] {1, 25, 50, 99}) {
                assertThat(StickyCanary.canary(u, w * 10, 1000)).isEqualTo(StickyCanary.canary(u, w, 100));
            }
        }
        assertThat(StickyCanary.canary(-1L, 99, 100)).as("the top position is stable below 100 %").isFalse();
        assertThat(StickyCanary.canary(0L, 1, 100)).isTrue();
        assertThat(StickyCanary.canary(0L, 0, 100)).isFalse();
        assertThat(StickyCanary.canary(-1L, 100, 100)).isTrue();
    }

    @Test
    void keyIsTheConfiguredHeaderOrCookieElseTheAssignmentCookie() {
        Map<String, String> headers = new HashMap<>();
        Map<String, String> cookies = new HashMap<>();
        SplitRequest r = new SplitRequest() {
            @Override
            public String header(String name) {
                return headers.get(name);
            }

            @Override
            public String cookie(String name) {
                return cookies.get(name);
            }
        };
        StickyCanary byHeader = new StickyCanary("X-User", null, "s", StickyCanary.DEFAULT_COOKIE);
        assertThat(byHeader.key(r)).isNull();
        cookies.put(StickyCanary.DEFAULT_COOKIE, "id1");
        assertThat(byHeader.key(r)).isEqualTo("id1");
        headers.put("X-User", "alice");
        assertThat(byHeader.key(r)).isEqualTo("alice");
        StickyCanary byCookie = new StickyCanary(null, "uid", "s", StickyCanary.DEFAULT_COOKIE);
        assertThat(byCookie.key(r)).isEqualTo("id1");
        cookies.put("uid", "u7");
        assertThat(byCookie.key(r)).isEqualTo("u7");
    }

    @Test
    void assignmentIdsAre128BitsOfBase64Url() {
        String id = StickyCanary.newId(new SplittableRandom(1));
        assertThat(id).hasSize(22).matches("[A-Za-z0-9_-]+");
        assertThat(new StickyCanary(null, null, "s", "cid").setCookie(id, true))
                .isEqualTo("cid=" + id + "; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax; Secure");
    }
}
