package dev.linnet.gateway.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Where iterated password hashes (bcrypt is tens of milliseconds by design) are checked: never on
 * an event loop, on a small bounded pool shared by every route, with a bounded cache of recent
 * successes so a client sending the same credentials on every request pays the hash once.
 *
 * <pre>
 *   event loop: cache hit? ──yes──▶ CONTINUE
 *                  │ no
 *                  ▼
 *               submit ──queue full──▶ 503 (overloaded; nothing waits unbounded)
 *                  │ SUSPENDED
 *   pool thread:   check ─▶ success: remember, ctx.resume()   failure: ctx.answer(401)
 *                  (both calls hop back to the request's loop)
 * </pre>
 *
 * The cache key is an HMAC-SHA-256, under a key made at start-up, of the stored hash and the
 * password: never the password itself, and useless to another process. Changing a user's hash
 * in the Secret changes the key, so an old password stops being remembered at once; entries
 * also expire after {@link #REMEMBER}.
 */
final class SlowHashes {

    /** Threads checking hashes: enough to keep a burst of logins moving, few enough to never starve the loops. */
    static final int THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
    /** Checks waiting for a thread; beyond, requests get 503 rather than queueing behind seconds of bcrypt. */
    static final int QUEUE = 256;
    static final int REMEMBERED = 10_000;
    static final Duration REMEMBER = Duration.ofMinutes(5);

    static final SlowHashes SHARED = new SlowHashes(pool());

    private final Executor executor;
    private final byte[] key = new byte[32];
    private final Cache<ByteBuffer, Boolean> successes = Caffeine.newBuilder()
            .maximumSize(REMEMBERED).expireAfterWrite(REMEMBER).build();

    SlowHashes(Executor executor) {
        this.executor = executor;
        new SecureRandom().nextBytes(key);
    }

    /** Whether {@code password} matched {@code hash} recently. Cheap: one HMAC. */
    boolean remembered(String hash, byte[] password) {
        return successes.getIfPresent(cacheKey(hash, password)) != null;
    }

    /**
     * Checks off the caller's thread; {@code verdict} runs on a pool thread.
     *
     * @return false when the pool is saturated (nothing will be called)
     */
    boolean check(String hash, byte[] password, Consumer<Boolean> verdict) {
        try {
            executor.execute(() -> {
                boolean ok;
                try {
                    ok = PasswordHashes.matches(hash, password);
                    if (ok) {
                        successes.put(cacheKey(hash, password), Boolean.TRUE);
                    }
                } catch (RuntimeException | LinkageError e) { // a verdict must come, and never a pass
                    ok = false;
                }
                verdict.accept(ok);
            });
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private ByteBuffer cacheKey(String hash, byte[] password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(hash.getBytes(StandardCharsets.ISO_8859_1));
            mac.update((byte) 0); // ':' ends an htpasswd hash field, NUL ends neither side ambiguously
            mac.update(password);
            return ByteBuffer.wrap(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JDK", e);
        }
    }

    private static ThreadPoolExecutor pool() {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE), r -> {
                    Thread t = new Thread(r, "linnet-password-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
