package dev.linnet.controller.check;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;

/** What {@code linnet check} says about one Ingress. */
public record IngressReport(String namespace, String name, Verdict verdict, List<Finding> findings) {

    /** Whether Linnet serves the Ingress exactly as ingress-nginx would. */
    public enum Verdict {
        SAME, DIFFERENT, NOT_SERVED;

        /** {@code same}, {@code different}, {@code not-served}. */
        public String json() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public IngressReport {
        requireNonNull(namespace, "namespace");
        requireNonNull(name, "name");
        requireNonNull(verdict, "verdict");
        findings = List.copyOf(findings);
    }
}
