package dev.linnet.controller.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code linnet demo}: the canary tutorial on one machine, no cluster needed. */
@Command(
        name = "demo",
        description = "Start two built-in backends (nginx-v1, nginx-v2) and serve the example canary manifests.",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false)
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ListenerOptions listener = new ListenerOptions();

    @Option(names = "--v1-port", paramLabel = "PORT", defaultValue = "" + DemoBackends.DEFAULT_V1_PORT,
            description = "Port of the nginx-v1 backend on 127.0.0.1 (default: ${DEFAULT-VALUE}, as in the manifests).")
    int v1Port;

    @Option(names = "--v2-port", paramLabel = "PORT", defaultValue = "" + DemoBackends.DEFAULT_V2_PORT,
            description = "Port of the nginx-v2 backend on 127.0.0.1 (default: ${DEFAULT-VALUE}, as in the manifests).")
    int v2Port;

    @Override
    public Integer call() throws IOException, InterruptedException {
        Demo demo;
        try {
            demo = Demo.start(listener.bindAddress, listener.httpPort, listener.adminPort, v1Port, v2Port, Path.of(""));
        } catch (IllegalArgumentException | IllegalStateException e) {
            spec.commandLine().getErr().println("demo: " + e.getMessage());
            return 1;
        }
        demo.printInstructions(spec.commandLine().getOut());
        Shutdown.awaitSignal(demo);
        return 0;
    }
}
