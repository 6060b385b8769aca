package dev.linnet.controller.cli;

import dev.linnet.gateway.admin.AdminServer;
import dev.linnet.gateway.proxy.GatewayServer;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The graceful stop both server wirings share (issue 5, "Graceful shutdown"):
 *
 * <pre>
 *   SIGTERM ─▶ /readyz 503 ─▶ keep accepting ─▶ stop accepting ─▶ open connections finish ─▶ cut the rest ─▶ close the
 *              (Endpoints and   for `delay`      (connect is       (idle: closed now;          (`grace` over)   control plane,
 *               LBs take us      (5 s)            refused)          busy: Connection: close                    exit 0
 *               out)                                                on their response; ≤ `grace`, 30 s)
 * </pre>
 *
 * Why the delay: a Pod's removal from Service endpoints and cloud load balancers lags the
 * SIGTERM by seconds; closing the listener at once would refuse connections still being sent
 * to us. The control plane keeps running throughout, so endpoint changes still apply to the
 * requests being drained; it is closed last.
 */
final class GracefulShutdown {

    private static final Logger logger = LoggerFactory.getLogger(GracefulShutdown.class);

    private GracefulShutdown() {
    }

    /** {@link #drain}, then {@code close} whatever happened: what both servers' {@code shutdownGracefully} do. */
    static void drainThenClose(AdminServer admin, GatewayServer gateway, Duration delay, Duration grace,
            Runnable close) throws InterruptedException {
        try {
            drain(admin, gateway, delay, grace);
        } finally {
            close.run();
        }
    }

    /** Runs the data plane's part of the sequence; the caller closes everything afterwards. */
    static void drain(AdminServer admin, GatewayServer gateway, Duration delay, Duration grace)
            throws InterruptedException {
        admin.shuttingDown();
        logger.info("shutting down: /readyz answers 503; still accepting for {} s, then up to {} s for open requests",
                delay.toSeconds(), grace.toSeconds());
        Thread.sleep(delay.toMillis()); // the delay is the point: keep serving while LBs notice
        boolean clean = gateway.drain(grace);
        logger.info(clean ? "drained: every client connection ended" : "drain over: the grace ran out");
    }
}
