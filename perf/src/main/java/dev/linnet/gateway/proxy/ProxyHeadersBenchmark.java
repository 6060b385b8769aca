package dev.linnet.gateway.proxy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-request header work of the proxy: {@link ProxyHeaders#toUpstream} (hop-by-hop strip,
 * X-Request-ID, X-Forwarded-*), {@link ProxyHeaders#toClient}, and the split lookups of
 * {@link NettySplitRequest}. These classes are package-private; this benchmark sits in their
 * package (the perf module shares it on the class path) so that gateway code stays untouched.
 *
 * <p>{@code toUpstream} mutates the request's headers, so every invocation builds a fresh request
 * as the decoder would; {@link #newRequestOnly} measures that part alone, to subtract.
 *
 * <pre>
 *   perf/jmh.sh ProxyHeaders
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ProxyHeadersBenchmark {

    private static final String COOKIE = "_ga=GA1.2.1234567890.1234567890; session=8f14e45fceea167a5a36dedd4bea2543; "
            + "theme=dark; user_from_cd=always; lang=en";

    /** What wrk and a browser-ish client send (the decoder builds these with validation off). */
    static HttpRequest clientRequest() {
        HttpHeaders h = new DefaultHttpHeaders(false);
        h.add("Host", "canary.example.com");
        h.add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)");
        h.add("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        h.add("Accept-Encoding", "gzip, deflate, br");
        h.add("Connection", "keep-alive");
        h.add("Region", "bj");
        h.add("Cookie", COOKIE);
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/api/users/42?page=2", h);
    }

    @Benchmark
    public HttpRequest newRequestOnly() {
        return clientRequest();
    }

    @Benchmark
    public HttpRequest toUpstream() {
        HttpRequest up = ProxyHeaders.toUpstream(clientRequest(), "127.0.0.1", false);
        HttpHeaders h = up.headers();
        if (h.contains("Connection") || !"127.0.0.1".equals(h.get(ProxyHeaders.X_FORWARDED_FOR))
                || h.get(ProxyHeaders.X_REQUEST_ID).length() != 32) {
            throw new IllegalStateException("unexpected upstream headers " + h);
        }
        return up;
    }

    @Benchmark
    public boolean toClient() {
        HttpHeaders h = new DefaultHttpHeaders(false);
        h.add("Server", "nginx/1.22.1");
        h.add("Date", "Wed, 25 Nov 2026 18:00:00 GMT");
        h.add("Content-Type", "text/plain");
        h.add("Content-Length", "7");
        h.add("Connection", "keep-alive");
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, h);
        boolean keep = ProxyHeaders.toClient(response, HttpMethod.GET, HttpVersion.HTTP_1_1, true);
        if (!keep || h.contains("Connection")) {
            throw new IllegalStateException("unexpected client headers " + h);
        }
        return keep;
    }

    private final HttpHeaders lookupHeaders = clientRequest().headers();

    /** The Region header lookup of a header rule ({@code getAll} then one value). */
    @Benchmark
    public String splitHeaderLookup() {
        String v = new NettySplitRequest(lookupHeaders).header("Region");
        if (!"bj".equals(v)) {
            throw new IllegalStateException(v);
        }
        return v;
    }

    /** The cookie lookup of a cookie rule: the 4th of 5 cookies, scanned in place. */
    @Benchmark
    public String splitCookieLookup() {
        String v = new NettySplitRequest(lookupHeaders).cookie("user_from_cd");
        if (!"always".equals(v)) {
            throw new IllegalStateException(v);
        }
        return v;
    }

    /** Where the route lookup's path comes from. */
    @Benchmark
    public String pathOf() {
        String p = RequestTarget.pathOf("/api/users/42?page=2");
        if (p.length() != 13) {
            throw new IllegalStateException(p);
        }
        return p;
    }
}
