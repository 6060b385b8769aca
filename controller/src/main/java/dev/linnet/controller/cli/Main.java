package dev.linnet.controller.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code java -jar linnet.jar}: the {@code linnet} command and its subcommands. Wiring only. */
@Command(
        name = "linnet",
        description = "Kubernetes ingress gateway that honours ingress-nginx's canary annotations.",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        subcommands = {ServeCommand.class, CheckCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        nettyDefaults();
        int code = commandLine().execute(args);
        // serve and demo return only once stopped; a non-zero code must reach the shell, and after
        // a drain a client library's lingering non-daemon thread must not keep the process alive.
        System.exit(code);
    }

    /**
     * Netty settings Linnet's request path is measured with (perf/README.md), applied before any
     * Netty class reads them; a value given with {@code -D} always wins. See {@link #nettyDefaults(Properties)}.
     */
    public static void nettyDefaults() {
        nettyDefaults(System.getProperties()).forEach(System::setProperty);
    }

    /**
     * The defaults missing from {@code current}:
     * <ul>
     *   <li>{@code io.netty.allocator.type=pooled}: thread-local caches per event loop, instead of
     *       4.2's adaptive allocator, whose shared magazines cost an atomic operation per buffer;
     *       with a few fixed event loops the pooled one does less work per request.</li>
     *   <li>{@code io.netty.leakDetection.level=disabled}: the sampled leak detector records two
     *       stack traces for about one buffer in a hundred, and every buffer derived from it; that
     *       cost 7–13 % of the CPU per proxied request in A/B runs. Every test runs the detector at
     *       {@code paranoid} instead (the build's surefire setting), and
     *       {@code -Dio.netty.leakDetection.level=simple} turns it back on to chase a leak in
     *       production. The legacy name {@code io.netty.leakDetectionLevel} counts as set too.</li>
     * </ul>
     */
    static Map<String, String> nettyDefaults(Properties current) {
        Map<String, String> defaults = new LinkedHashMap<>();
        if (current.getProperty("io.netty.allocator.type") == null) {
            defaults.put("io.netty.allocator.type", "pooled");
        }
        if (current.getProperty("io.netty.leakDetection.level") == null
                && current.getProperty("io.netty.leakDetectionLevel") == null) {
            defaults.put("io.netty.leakDetection.level", "disabled");
        }
        return defaults;
    }

    /** The command tree, as {@link #main} runs it (tests parse with it). */
    public static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
