package dev.linnet.controller.cli;

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
        subcommands = {ServeCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
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
     * Netty's pooled allocator (thread-local caches per event loop) instead of 4.2's adaptive
     * default, whose shared magazines cost an atomic operation per buffer: with a few fixed event
     * loops the pooled one does less work per request (perf/README.md). Set before any Netty
     * class reads it; {@code -Dio.netty.allocator.type=adaptive} still wins.
     */
    static void nettyDefaults() {
        if (System.getProperty("io.netty.allocator.type") == null) {
            System.setProperty("io.netty.allocator.type", "pooled");
        }
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
