package dev.linnet.controller.loop;

import dev.linnet.controller.build.BuildResult;
import dev.linnet.gateway.route.RouteTable;

/** What the control loop reports about its builds; called on the loop thread. */
public interface LoopMetrics {

    LoopMetrics NONE = new LoopMetrics() {
        @Override
        public void published(BuildResult result, RouteTable table, long buildNanos) {
        }

        @Override
        public void buildFailed(Throwable cause, long buildNanos) {
        }
    };

    /** A build succeeded and {@code table} (numbered) was swapped in. */
    void published(BuildResult result, RouteTable table, long buildNanos);

    /** A build threw; the previous table keeps serving. */
    void buildFailed(Throwable cause, long buildNanos);

    /**
     * A published table serves new requests {@code nanos} after the first change signal it
     * includes: coalescing wait plus build plus swap. The swap itself is instant, so this is
     * the time a change takes to reach traffic.
     */
    default void changeToTraffic(long nanos) {
    }
}
