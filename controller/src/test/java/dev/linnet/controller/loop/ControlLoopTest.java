package dev.linnet.controller.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.linnet.controller.build.BuildResult;
import dev.linnet.controller.build.ClusterState;
import dev.linnet.controller.build.ConfigWarning;
import dev.linnet.controller.source.LogCapture;
import dev.linnet.controller.source.Source;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.route.RouteTableHolder;
import dev.linnet.gateway.route.VirtualHost;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ControlLoopTest {

    private final InMemorySource source = new InMemorySource();
    private final RouteTableHolder holder = new RouteTableHolder();
    private ControlLoop loop;

    @AfterEach
    void close() {
        if (loop != null) {
            loop.close();
        }
    }

    private ControlLoop start(Function<ClusterState, BuildResult> build) {
        loop = ControlLoop.start(source, build, holder, System::nanoTime, Duration.ofMillis(100), Duration.ofMillis(500));
        return loop;
    }

    private static RouteTable tableWithHost(String host) {
        return new RouteTable(0, Map.of(host, new VirtualHost(host, List.of(), null)), Map.of(),
                RouteTable.EMPTY.defaultServer());
    }

    private static BuildResult result(String host, ConfigWarning... warnings) {
        return new BuildResult(tableWithHost(host), List.of(warnings));
    }

    @Test
    void aBurstOfFiftySignalsGivesFewBuilds() {
        source.synced = true;
        start(state -> result("a.example.com"));

        for (int i = 0; i < 50; i++) {
            loop.signal();
        }

        await().until(holder::isPublished);
        await().until(() -> loop.passes() == loop.builds()); // the loop is idle again
        assertThat(loop.builds()).isBetween(1L, 5L);
        assertThat(holder.current().exactHosts()).containsKey("a.example.com");
    }

    @Test
    void nothingIsBuiltBeforeTheSourceHasSynced() {
        List<Boolean> syncedAtBuild = new CopyOnWriteArrayList<>();
        start(state -> {
            syncedAtBuild.add(source.synced);
            return result("a.example.com");
        });

        loop.signal();
        await().until(() -> loop.passes() >= 1);

        assertThat(loop.builds()).isZero();
        assertThat(holder.isPublished()).isFalse();

        source.synced = true;
        loop.signal();

        await().until(holder::isPublished);
        assertThat(syncedAtBuild).containsOnly(true);
    }

    @Test
    void aBuildThatThrowsKeepsThePreviousTableServing() {
        source.synced = true;
        Queue<Function<ClusterState, BuildResult>> builds = new ConcurrentLinkedQueue<>(List.of(
                s -> result("first.example.com"),
                s -> {
                    throw new IllegalStateException("boom");
                },
                s -> result("third.example.com")));
        start(s -> builds.remove().apply(s));

        loop.signal();
        await().until(() -> holder.current().version() == 1);
        RouteTable first = holder.current();

        loop.signal();
        await().until(() -> loop.passes() == 2);
        assertThat(holder.current()).isSameAs(first);

        loop.signal();
        await().until(() -> holder.current().version() == 2);
        assertThat(holder.current().exactHosts()).containsOnlyKeys("third.example.com");
    }

    @Test
    void versionsIncreaseWithEveryPublishedTable() {
        source.synced = true;
        start(state -> result("a.example.com"));
        List<Long> seen = new CopyOnWriteArrayList<>();

        for (int i = 1; i <= 3; i++) {
            long expected = i;
            loop.signal();
            await().until(() -> holder.current().version() == expected);
            seen.add(holder.current().version());
        }

        assertThat(seen).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aWarningIsNotLoggedAgainWhileThePreviousBuildHadIt() {
        source.synced = true;
        ConfigWarning a = new ConfigWarning("Ingress", "default", "a", "canary-weight: \"ten\" is invalid");
        ConfigWarning b = new ConfigWarning("Ingress", "default", "b", "canary-weight: \"-\" is invalid");
        ConfigWarning c = new ConfigWarning("Ingress", "default", "c", "canary-by-cookie: \"\" is invalid");
        Queue<BuildResult> results = new ConcurrentLinkedQueue<>(List.of(
                result("x", a, b, b), result("x", b, a), result("x", b, c), result("x", a)));
        start(s -> results.remove());

        try (LogCapture log = LogCapture.of(ControlLoop.class)) {
            for (int i = 1; i <= 4; i++) {
                long expected = i;
                loop.signal();
                await().until(() -> holder.current().version() == expected);
            }

            assertThat(log.messages(Level.WARN)).containsExactly(a.toString(), b.toString(), c.toString(), a.toString());
        }
    }

    /** A source whose objects and sync state the test sets. */
    private static final class InMemorySource implements Source {
        volatile boolean synced;

        @Override
        public void start(Runnable onChange) {
        }

        @Override
        public boolean hasSynced() {
            return synced;
        }

        @Override
        public ClusterState snapshot() {
            return ClusterState.EMPTY;
        }

        @Override
        public void close() {
        }
    }
}
