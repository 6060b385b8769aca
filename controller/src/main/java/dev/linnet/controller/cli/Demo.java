package dev.linnet.controller.cli;

import static java.util.Objects.requireNonNull;

import dev.linnet.controller.build.BuildOptions;
import dev.linnet.gateway.metrics.MetricsOptions;
import dev.linnet.gateway.proxy.GatewayConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code linnet demo}, wired: two built-in backends, the example manifests, and a
 * {@link StandaloneServer} serving them.
 */
final class Demo implements AutoCloseable {

    private final DemoBackends backends;
    private final DemoManifests manifests;
    private final StandaloneServer server;

    private Demo(DemoBackends backends, DemoManifests manifests, StandaloneServer server) {
        this.backends = backends;
        this.manifests = manifests;
        this.server = server;
    }

    /**
     * @param workingDir where {@code examples/demo} is looked for
     * @param v1Port port of the {@code nginx-v1} backend; 0 picks one (the manifests are then copied and rewritten)
     */
    static Demo start(String bindAddress, int httpPort, int adminPort, int v1Port, int v2Port, Path workingDir)
            throws IOException, InterruptedException {
        requireNonNull(bindAddress, "bindAddress");
        requireNonNull(workingDir, "workingDir");
        DemoBackends backends = DemoBackends.start(v1Port, v2Port);
        DemoManifests manifests = null;
        try {
            manifests = DemoManifests.prepare(workingDir, backends.v1Port(), backends.v2Port());
            GatewayConfig gateway = GatewayConfig.defaults().withBindAddress(bindAddress).withHttpPort(httpPort);
            // The controller_class label as serve sets it, so the demo's /metrics reads like production's.
            MetricsOptions metrics = MetricsOptions.defaults().withController("", BuildOptions.DEFAULT_CONTROLLER_CLASS, "");
            StandaloneServer server = StandaloneServer.start(new StandaloneConfig(List.of(manifests.dir()), gateway,
                    adminPort, BuildOptions.serveAll(), metrics));
            return new Demo(backends, manifests, server);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (manifests != null) {
                manifests.close();
            }
            backends.close();
            throw e;
        }
    }

    int httpPort() {
        return server.httpPort();
    }

    int adminPort() {
        return server.adminPort();
    }

    Path manifestsDir() {
        return manifests.dir();
    }

    StandaloneServer server() {
        return server;
    }

    /** What to try, printed once the demo is up. */
    void printInstructions(PrintWriter out) {
        String base = "localhost:" + httpPort() + "/";
        out.println();
        out.println("Linnet demo is running.");
        out.printf("  backends   nginx-v1 on 127.0.0.1:%d, nginx-v2 on 127.0.0.1:%d%n", backends.v1Port(), backends.v2Port());
        out.printf("  manifests  %s%s%n", manifests.dir(),
                manifests.temporary() ? " (a temporary copy: edit these files to change routing live)"
                        : " (edit these files to change routing live)");
        out.println();
        out.println("Try:");
        out.printf("  curl -H \"Host: canary.example.com\" %s                     # nginx-v1%n", base);
        out.printf("  curl -H \"Host: canary.example.com\" -H \"Region: cd\" %s     # nginx-v2 (Region matches cd|sz)%n", base);
        out.printf("  curl -H \"Host: canary.example.com\" -H \"Region: bj\" %s     # nginx-v1%n", base);
        out.printf("  curl localhost:%d/debug/routes                            # the routing table%n", adminPort());
        out.println();
        out.println("Cookie and weight canaries: copy a file from examples/variants/ over canary-ingress.yaml");
        out.println("in the manifests directory (see examples/README.md). Ctrl-C stops the demo.");
        out.flush();
    }

    @Override
    public void close() {
        server.close();
        backends.close();
        manifests.close();
    }
}
