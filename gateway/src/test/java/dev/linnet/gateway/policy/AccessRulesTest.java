package dev.linnet.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.route.SourceRanges;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A snippet's {@code allow}/{@code deny} rules: nginx's first match decides; a request without a
 * client address (nothing to compare) fails closed.
 */
class AccessRulesTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private Integer denied;

    @AfterEach
    void close() {
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    /** A request from {@code address} ({@code null}: unknown); only what the rules use is there. */
    private RequestContext from(String address) {
        InetSocketAddress remote = address == null ? null : new InetSocketAddress(address, 40000);
        return (RequestContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RequestContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "remoteAddress" -> remote;
                    case "channel" -> channel;
                    case "deny" -> {
                        denied = (Integer) args[0];
                        ((FullHttpResponse) args[1]).release();
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static AccessRules.Rule allow(String... ranges) {
        return new AccessRules.Rule(true, ranges.length == 0 ? null : SourceRanges.of(List.of(ranges)));
    }

    private static AccessRules.Rule deny(String... ranges) {
        return new AccessRules.Rule(false, ranges.length == 0 ? null : SourceRanges.of(List.of(ranges)));
    }

    /** 403, or 0 when the request passes. */
    private int check(AccessRules rules, String address) {
        denied = null;
        Flow flow = rules.onRequest(from(address));
        if (denied != null) {
            assertThat(flow).isEqualTo(Flow.ANSWERED);
            return denied;
        }
        assertThat(flow).isIn(Flow.CONTINUE, Flow.DECLINED);
        return flow == Flow.DECLINED ? -1 : 0; // -1: no rule decided (passes, but is no pass under satisfy any)
    }

    @Test
    void theFirstMatchingRuleDecidesAndNoMatchPasses() {
        AccessRules rules = new AccessRules(List.of(deny("10.1.0.0/16"), allow("10.0.0.0/8"), deny()));
        assertThat(check(rules, "10.1.2.3")).isEqualTo(403);
        assertThat(check(rules, "10.2.0.1")).isZero();
        assertThat(check(rules, "192.0.2.1")).isEqualTo(403);
        assertThat(check(new AccessRules(List.of(allow("10.0.0.0/8"))), "192.0.2.1"))
                .as("nginx: no match passes (declines)").isEqualTo(-1);
    }

    @Test
    void withoutAClientAddressNoRangeAllowsAndAnyRangeMayDeny() {
        assertThat(check(new AccessRules(List.of(allow("10.0.0.0/8"), deny())), null)).isEqualTo(403);
        assertThat(check(new AccessRules(List.of(deny("10.0.0.0/8"), allow())), null))
                .as("it might be in the denied range").isEqualTo(403);
        assertThat(check(new AccessRules(List.of(allow("10.0.0.0/8"))), null)).as("no rule decides: denied")
                .isEqualTo(403);
        assertThat(check(new AccessRules(List.of(allow())), null)).as("allow all needs no address").isZero();
        assertThat(check(new AccessRules(List.of(deny())), null)).isEqualTo(403);
    }
}
