package dev.linnet.perf;

import com.sun.net.httpserver.HttpServer;
import dev.linnet.controller.build.BuildOptions;
import dev.linnet.controller.cli.StandaloneConfig;
import dev.linnet.controller.cli.StandaloneServer;
import dev.linnet.gateway.proxy.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Propagation latency in manifest mode: how long after a canary Ingress file is rewritten do
 * requests follow the new rule? Not a JMH benchmark (one change is one sample); a plain
 * program, run by {@code perf/propagation.sh}. The loop and report are {@link Propagation}'s;
 * a change here writes {@code canary.yaml} through a hidden temp file and an atomic rename.
 *
 * <p>The rename wakes the file source through inotify and is read at once (a file renamed into
 * place is complete: no quiet period), and the control loop builds at once after an idle spell
 * (its 100 ms holdoff only coalesces changes that follow a build closely). Between two changes
 * the benchmark waits {@code gap} ms (default 250: one edit at a time, as people and CD tools
 * make them); with a gap of 0 every change lands right after the previous build and pays the
 * holdoff, the worst case.
 *
 * <p>With {@code churnMillis} &gt; 0, {@code other.yaml} (another host's Ingress) is rewritten the
 * same way every {@code churnMillis} meanwhile (issue 15, item 8).
 *
 * <p>Usage: {@code PropagationBenchmark [changes [gapMillis [churnMillis]]]} (default 100, 250, 0).
 */
public final class PropagationBenchmark {

    private PropagationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int changes = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        long gapMillis = args.length > 1 ? Long.parseLong(args[1]) : 250;
        long churnMillis = args.length > 2 ? Long.parseLong(args[2]) : 0;
        HttpServer stable = Propagation.backend("stable\n");
        HttpServer canary = Propagation.backend("canary\n");
        Path dir = Files.createTempDirectory("linnet-propagation");
        StandaloneServer linnet = null;
        try {
            Files.writeString(dir.resolve("services.yaml"), Propagation.services(stable.getAddress().getPort(),
                    canary.getAddress().getPort()));
            Files.writeString(dir.resolve("ingresses.yaml"), Propagation.MAIN_INGRESS);
            Files.writeString(dir.resolve("other.yaml"), Propagation.otherIngress(0));
            Path canaryFile = dir.resolve("canary.yaml");
            Files.writeString(canaryFile, Propagation.canaryIngress(0));
            linnet = StandaloneServer.start(new StandaloneConfig(List.of(dir),
                    GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(0), 0,
                    BuildOptions.serveAll()));
            StandaloneServer server = linnet;
            Propagation.measure(changes, gapMillis, churnMillis, linnet.httpPort(),
                    () -> server.routes().current().version(),
                    weight -> replace(canaryFile, Propagation.canaryIngress(weight)),
                    n -> replace(dir.resolve("other.yaml"), Propagation.otherIngress(n)));
        } finally {
            if (linnet != null) {
                linnet.close();
            }
            stable.stop(0);
            canary.stop(0);
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** Writes {@code file} through a hidden temp file (the source skips it) and an atomic rename. */
    private static void replace(Path file, String content) throws java.io.IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
