package dev.linnet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.linnet.gateway.proxy.GatewayConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The limit and shutdown flags of serve: ingress-nginx's defaults, every flag reaching GatewayConfig. */
class LimitOptionsTest {

    /** The gateway configuration {@code serve --manifests m <flags>} makes. */
    static GatewayConfig parse(String... flags) {
        String[] args = new String[flags.length + 3];
        args[0] = "serve";
        args[1] = "--manifests";
        args[2] = "m";
        System.arraycopy(flags, 0, args, 3, flags.length);
        ServeCommand serve = (ServeCommand) Main.commandLine().parseArgs(args).subcommand().commandSpec().userObject();
        return serve.toConfig().gateway();
    }

    @Test
    void defaultsAreIngressNginxs() {
        GatewayConfig c = parse();
        assertThat(c.maxInitialLineLength()).isEqualTo(8192);
        assertThat(c.maxHeaderSize()).isEqualTo(8192);
        assertThat(c.maxHeaders()).isEqualTo(100);
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(75));
        assertThat(c.keepAliveRequests()).isEqualTo(1000);
        assertThat(c.clientHeaderTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.clientBodyTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.maxConnections()).isZero();
        assertThat(c.shutdownDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.underscoresInHeaders()).isFalse();
    }

    @Test
    void everyFlagReachesTheConfiguration() {
        GatewayConfig c = parse("--max-request-line", "4096", "--max-header-size", "16384", "--max-headers", "50",
                "--keep-alive", "30", "--keep-alive-requests", "10", "--client-header-timeout", "5",
                "--client-body-timeout", "7", "--max-connections", "20000", "--shutdown-delay", "0",
                "--shutdown-grace", "120", "--enable-underscores-in-headers");
        assertThat(c.maxInitialLineLength()).isEqualTo(4096);
        assertThat(c.maxHeaderSize()).isEqualTo(16384);
        assertThat(c.maxHeaders()).isEqualTo(50);
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.keepAliveRequests()).isEqualTo(10);
        assertThat(c.clientHeaderTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.clientBodyTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(c.maxConnections()).isEqualTo(20000);
        assertThat(c.shutdownDelay()).isZero();
        assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(120));
        assertThat(c.underscoresInHeaders()).isTrue();
    }

    @Test
    void outOfRangeValuesNameTheirFlag() {
        assertThatThrownBy(() -> parse("--max-headers", "0")).hasMessage("--max-headers: 0 (expected: >= 1)");
        assertThatThrownBy(() -> parse("--client-header-timeout", "0"))
                .hasMessage("--client-header-timeout: 0 (expected: >= 1)");
        assertThatThrownBy(() -> parse("--max-connections", "-1"))
                .hasMessage("--max-connections: -1 (expected: >= 0, 0 = unlimited)");
        assertThatThrownBy(() -> parse("--shutdown-grace", "-5")).hasMessage("--shutdown-grace: -5 (expected: >= 0)");
    }
}
