package dev.linnet.controller.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.split.StickyCanary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StickyCanaryAnnotationsTest {

    private final List<String> warnings = new ArrayList<>();

    private StickyCanary parse(String... kv) {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            a.put("linnet.dev/" + kv[i], kv[i + 1]);
        }
        return StickyCanaryAnnotations.parse(a, "shop", "web-canary", warnings::add);
    }

    @Test
    void keysAndDefaults() {
        assertThat(parse("canary-sticky-key", "cookie"))
                .isEqualTo(new StickyCanary(null, null, "shop/web-canary", "linnet_canary_id"));
        assertThat(parse("canary-sticky-key", "header:X-User", "canary-sticky-seed", "shared"))
                .isEqualTo(new StickyCanary("X-User", null, "shared", "linnet_canary_id"));
        assertThat(parse("canary-sticky-key", "cookie:uid", "canary-sticky-cookie", "cid"))
                .isEqualTo(new StickyCanary(null, "uid", "shop/web-canary", "cid"));
        assertThat(parse()).isNull();
        assertThat(warnings).isEmpty();
    }

    @Test
    void invalidKeyKeepsTheRandomDrawWithAWarning() {
        assertThat(parse("canary-sticky-key", "header:")).isNull();
        assertThat(parse("canary-sticky-key", "ip")).isNull();
        assertThat(parse("canary-sticky-seed", "x")).isNull();
        assertThat(warnings).containsExactly(
                "annotation linnet.dev/canary-sticky-key: \"header:\" is invalid (expected: cookie, header:<Name> or"
                        + " cookie:<name>); the weight is drawn at random per request, as in ingress-nginx",
                "annotation linnet.dev/canary-sticky-key: \"ip\" is invalid (expected: cookie, header:<Name> or"
                        + " cookie:<name>); the weight is drawn at random per request, as in ingress-nginx",
                "annotation linnet.dev/canary-sticky-seed: \"x\" has no effect without linnet.dev/canary-sticky-key;"
                        + " ignored");
    }
}
