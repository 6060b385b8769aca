package dev.linnet.gateway.testing;

import dev.linnet.gateway.accesslog.AccessLog;
import dev.linnet.gateway.metrics.GatewayMetrics;
import dev.linnet.gateway.metrics.MetricsOptions;
import dev.linnet.gateway.proxy.ConfigHolder;
import dev.linnet.gateway.proxy.GatewayConfig;
import dev.linnet.gateway.proxy.GatewayServer;
import dev.linnet.gateway.route.RouteTable;
import dev.linnet.gateway.route.RouteTableHolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@link GatewayServer} on 127.0.0.1, port 0, started on first use (so a test may adjust
 * the configuration first), plus the {@link TestBackend}s a test asks for; all closed after
 * each test.
 */
public final class GatewayExtension implements AfterEachCallback {

    private final RouteTableHolder routes = new RouteTableHolder();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private GatewayConfig config = GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(0)
            .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10));
    private GatewayServer gateway;
    private GatewayMetrics metrics;
    private MetricsOptions metricsOptions = MetricsOptions.defaults();
    private HttpClient client;
    private AccessLog accessLog = AccessLog.OFF;
    private ConfigHolder configs;

    public GatewayExtension configure(UnaryOperator<GatewayConfig> change) {
        if (gateway != null) {
            throw new IllegalStateException("gateway already started");
        }
        config = change.apply(config);
        return this;
    }

    public GatewayExtension metricsOptions(MetricsOptions options) {
        if (gateway != null) {
            throw new IllegalStateException("gateway already started");
        }
        metricsOptions = options;
        return this;
    }

    /** The access log the gateway writes to (closed with it); none by default. */
    public GatewayExtension accessLog(AccessLog log) {
        if (gateway != null) {
            throw new IllegalStateException("gateway already started");
        }
        accessLog = log;
        return this;
    }

    /** The settings in force: a test may swap them while the gateway serves (as the ConfigMap does). */
    public ConfigHolder configs() {
        gateway();
        return configs;
    }

    /** The metrics the gateway records into (its own registry per test). */
    public GatewayMetrics metrics() {
        if (metrics == null) {
            metrics = GatewayMetrics.create(metricsOptions);
            closeables.add(metrics);
        }
        return metrics;
    }

    public RouteTableHolder routes() {
        return routes;
    }

    public void publish(RouteTable table) {
        routes.swap(table);
    }

    public GatewayServer gateway() {
        if (gateway == null) {
            try {
                configs = new ConfigHolder(config);
                gateway = GatewayServer.start(configs, routes, metrics(), accessLog);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            closeables.add(gateway);
        }
        return gateway;
    }

    public int port() {
        return gateway().httpPort();
    }

    public TestBackend backend(String name) {
        try {
            TestBackend b = TestBackend.start(name);
            closeables.add(b);
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public <T extends AutoCloseable> T closeLater(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    /** One shared HTTP/1.1 client (so connections to the gateway are kept alive between requests). */
    public HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
        }
        return client;
    }

    public HttpRequest.Builder request(String host, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .timeout(Duration.ofSeconds(20))
                .header("Host", host);
    }

    /** GET with extra headers given as name, value, name, value … */
    public HttpResponse<String> get(String host, String path, String... headers) {
        HttpRequest.Builder b = request(host, path);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return client().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        closeables.clear();
        gateway = null;
        metrics = null;
        accessLog = AccessLog.OFF;
        configs = null;
        client = null; // Java 17's HttpClient has no close(); its connections died with the gateway
    }
}
