package dev.linnet.gateway.policy;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.CanaryRule;
import dev.linnet.gateway.route.Endpoint;
import dev.linnet.gateway.split.Decision;
import dev.linnet.gateway.upstream.EndpointChooser;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * {@code load-balance: ewma} (affinity-spec.md §3; ingress-nginx's {@code balancer/ewma.lua}):
 * each try goes to the faster of two random endpoints this request has not tried, "faster"
 * meaning the lower exponentially weighted average of its response times ({@link EwmaStats}).
 *
 * <pre>
 *   choose ─▶ sync the loop's stats with the backend ─▶ pick (two choices) ─▶ remember when
 *   response head from that endpoint ─▶ its average learns (now - picked)
 * </pre>
 *
 * The time learnt runs from the pick to the response head (connect, send, upstream header
 * time); ingress-nginx adds {@code $upstream_connect_time} to {@code $upstream_response_time},
 * which runs to the response's last byte, so a large body weighs less here.
 * The averages live per event loop (each loop learns from its own requests, as each nginx
 * worker's Lua balancer does), keyed by endpoint and shared by every ewma route on the loop.
 *
 * @param clock nanoseconds, {@link System#nanoTime} but in tests
 */
public record Ewma(LongSupplier clock) implements EndpointPolicy {

    private static final Ewma SYSTEM = new Ewma(System::nanoTime);
    private static final FastThreadLocal<EwmaStats> STATS = new FastThreadLocal<>() {
        @Override
        protected EwmaStats initialValue() {
            return new EwmaStats();
        }
    };

    public Ewma {
        requireNonNull(clock, "clock");
    }

    /** The policy on the system clock. */
    public static Ewma of() {
        return SYSTEM;
    }

    @Override
    public Step step() {
        return Step.LOAD_BALANCE;
    }

    @Override
    public Decision pinned(RequestContext request, CanaryRule canary) {
        return null; // picks pods, never a side
    }

    @Override
    public EndpointChooser chooser(RequestContext request, Backend backend) {
        return new Choice(STATS.get(), clock);
    }

    /** One request's tries; runs on the request's loop, whose stats it holds. */
    static final class Choice implements EndpointChooser {
        private final EwmaStats stats;
        private final LongSupplier clock;
        private long pickedAt;

        Choice(EwmaStats stats, LongSupplier clock) {
            this.stats = stats;
            this.clock = clock;
        }

        @Override
        public int choose(Backend backend, Backend.Fitness fitness, boolean retry) {
            long now = clock.getAsLong();
            stats.sync(backend, now);
            pickedAt = now;
            return stats.pick(backend, fitness, ThreadLocalRandom.current(), now);
        }

        @Override
        public void connected() {
        }

        @Override
        public void answered(Endpoint endpoint) {
            long now = clock.getAsLong();
            stats.answered(endpoint, now - pickedAt, now);
        }
    }
}
