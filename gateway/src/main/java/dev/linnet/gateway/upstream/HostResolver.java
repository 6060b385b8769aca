package dev.linnet.gateway.upstream;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Host names of URLs the gateway calls on its own (the external-auth service), resolved without
 * blocking an event loop. nginx resolves them per request with ingress-nginx's {@code resolver
 * ... valid=30s}; {@link #system()} asks the JDK (so {@code /etc/hosts} and the pod's DNS search
 * domains apply) on two daemon threads and keeps answers 30 s, failures 5 s.
 */
@FunctionalInterface
public interface HostResolver {

    /** The address of {@code host}; an IP literal completes at once. Completes on any thread. */
    CompletableFuture<InetAddress> resolve(String host);

    /** The JDK's resolver, cached, off the event loops. */
    static HostResolver system() {
        return SystemResolver.INSTANCE;
    }

    /** Fixed names (tests: {@code app.example.com} → 127.0.0.1); any other name fails. */
    static HostResolver of(Map<String, InetAddress> names) {
        Map<String, InetAddress> copy = Map.copyOf(names);
        return host -> {
            InetAddress a = copy.get(host);
            if (a == null) {
                a = SystemResolver.literal(host);
            }
            return a != null ? CompletableFuture.completedFuture(a)
                    : CompletableFuture.failedFuture(new UnknownHostException(host));
        };
    }

    /** The cached resolver behind {@link #system()}. */
    final class SystemResolver implements HostResolver {

        static final SystemResolver INSTANCE = new SystemResolver();

        private final AsyncLoadingCache<String, Result> cache;

        private SystemResolver() {
            ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(1024), r -> {
                        Thread t = new Thread(r, "linnet-resolver");
                        t.setDaemon(true);
                        return t;
                    });
            executor.allowCoreThreadTimeOut(true);
            cache = Caffeine.newBuilder()
                    .maximumSize(10_000)
                    .executor(executor)
                    .expireAfter(new com.github.benmanes.caffeine.cache.Expiry<String, Result>() {
                        @Override
                        public long expireAfterCreate(String key, Result value, long currentTime) {
                            return (value.address() != null ? Duration.ofSeconds(30) : Duration.ofSeconds(5)).toNanos();
                        }

                        @Override
                        public long expireAfterUpdate(String key, Result value, long currentTime, long currentDuration) {
                            return expireAfterCreate(key, value, currentTime);
                        }

                        @Override
                        public long expireAfterRead(String key, Result value, long currentTime, long currentDuration) {
                            return currentDuration;
                        }
                    })
                    .buildAsync(SystemResolver::lookup);
        }

        private record Result(InetAddress address, UnknownHostException failure) {
        }

        private static Result lookup(String host) {
            try {
                return new Result(InetAddress.getByName(host), null);
            } catch (UnknownHostException e) {
                return new Result(null, e);
            }
        }

        /** {@code host} as an address when it is an IP literal, else {@code null}; never a lookup. */
        static InetAddress literal(String host) {
            boolean v6 = host.indexOf(':') >= 0;
            boolean v4 = !v6 && !host.isEmpty() && host.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9');
            if (!v4 && !v6) {
                return null;
            }
            try {
                return InetAddress.getByName(host); // a literal: parsed, never looked up
            } catch (UnknownHostException e) {
                return null;
            }
        }

        @Override
        public CompletableFuture<InetAddress> resolve(String host) {
            requireNonNull(host, "host");
            InetAddress literal = literal(host);
            if (literal != null) {
                return CompletableFuture.completedFuture(literal);
            }
            return cache.get(host).thenApply(r -> {
                if (r.address() == null) {
                    throw new CompletionException(r.failure());
                }
                return r.address();
            });
        }
    }
}
