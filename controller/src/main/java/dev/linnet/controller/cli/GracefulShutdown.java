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
 *   SIGTERM ─▶ /readyz 503 ─▶ keep accepting, ─▶ settle ─▶ stop accepting ─▶ open connections finish ─▶ cut the rest ─▶ close the
 *              (Endpoints and   clients told     (≤ 1 s)   (connect is       (idle: closed after 1 s;    (`grace` over)   control plane,
 *               LBs take us      to go, for                 refused)          busy: after their                          exit 0
 *               out)             `delay` (5 s)                                response; ≤ `grace`, 30 s)
 * </pre>
 *
 * Why the delay: a Pod's removal from Service endpoints and cloud load balancers lags the
 * SIGTERM by seconds; closing the listener at once would refuse connections still being sent
 * to us. During it every response says {@code Connection: close} and HTTP/2 connections get
 * GOAWAY, so keep-alive clients move to a new connection (elsewhere, once the LB caught up)
 * instead of being closed under a request they are sending (issue 15, item 7). The control
 * plane keeps running throughout, so endpoint changes still apply to the requests being
 * drained; it is closed last.
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
        gateway.goAway();
        logger.info("shutting down: /readyz answers 503, responses say Connection: close (HTTP/2: GOAWAY);"
                + " still accepting for {} s, then up to {} s for open requests", delay.toSeconds(), grace.toSeconds());
        Thread.sleep(delay.toMillis()); // the delay is the point: keep serving while LBs notice
        boolean clean = gateway.drain(grace);
        logger.info(clean ? "drained: every client connection ended" : "drain over: the grace ran out");
    }
}
