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
        int code = commandLine().execute(args);
        // serve and demo return only once stopped; a non-zero code must reach the shell, and after
        // a drain a client library's lingering non-daemon thread must not keep the process alive.
        System.exit(code);
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
