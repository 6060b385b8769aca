package dev.linnet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.linnet.gateway.proxy.GatewayConfig;
import dev.linnet.gateway.route.NextUpstream;
import dev.linnet.gateway.upstream.PassiveHealth;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The retry and passive health check flags of serve: ingress-nginx's and nginx's defaults. */
class UpstreamOptionsTest {

    private static GatewayConfig parse(String... flags) {
        return LimitOptionsTest.parse(flags);
    }

    @Test
    void defaultsAreIngressNginxsAndNginxs() {
        GatewayConfig c = parse();
        assertThat(c.nextUpstream()).isEqualTo(NextUpstream.DEFAULT);
        assertThat(c.maxTries()).isEqualTo(3);
        assertThat(c.passiveHealth()).isEqualTo(PassiveHealth.DEFAULT);
    }

    @Test
    void everyFlagReachesTheConfiguration() {
        GatewayConfig c = parse("--proxy-next-upstream", "error http_503 non_idempotent",
                "--proxy-next-upstream-timeout", "7", "--proxy-next-upstream-tries", "2",
                "--upstream-max-fails", "0", "--upstream-fail-timeout", "30");
        assertThat(c.nextUpstream()).isEqualTo(new NextUpstream(
                NextUpstream.ERROR | NextUpstream.HTTP_503 | NextUpstream.NON_IDEMPOTENT, Duration.ofSeconds(7)));
        assertThat(c.maxTries()).isEqualTo(2);
        assertThat(c.passiveHealth()).isEqualTo(new PassiveHealth(0, Duration.ofSeconds(30)));
        assertThat(c.passiveHealth().enabled()).isFalse();
    }

    @Test
    void zeroTriesIsNginxsNoLimitAsForTheAnnotation() {
        assertThat(parse("--proxy-next-upstream-tries", "0").maxTries()).isZero();
        assertThatThrownBy(() -> parse("--proxy-next-upstream-tries", "-1"))
                .hasMessage("--proxy-next-upstream-tries: -1 (expected: >= 0)");
    }

    @Test
    void anUnknownWordIsRefusedNamingTheFlag() {
        assertThatThrownBy(() -> parse("--proxy-next-upstream", "error http_418"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--proxy-next-upstream: error http_418 (expected: space-separated words");
        assertThatThrownBy(() -> parse("--upstream-max-fails", "-1"))
                .hasMessage("--upstream-max-fails: -1 (expected: >= 0)");
    }
}
