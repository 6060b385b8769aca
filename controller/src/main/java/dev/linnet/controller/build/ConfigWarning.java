package dev.linnet.controller.build;

import static java.util.Objects.requireNonNull;

import dev.linnet.controller.annotation.WarningValue;

/**
 * A configuration problem the builder worked around. It names the object it concerns so that
 * the log line (and, in a cluster, the Kubernetes Event) tells the user what to fix.
 *
 * @param kind object kind, e.g. {@code Ingress}
 * @param namespace object namespace
 * @param name object name
 * @param message what is wrong and what happens instead, e.g.
 *     {@code annotation nginx.ingress.kubernetes.io/canary-weight: "ten" is invalid (expected: an integer); using 0}
 */
public record ConfigWarning(String kind, String namespace, String name, String message) {

    public ConfigWarning {
        requireNonNull(kind, "kind");
        requireNonNull(namespace, "namespace");
        requireNonNull(name, "name");
        // Cut here, once, so the log line and the Kubernetes Event both stay short (issue 15, item 6).
        message = WarningValue.line(requireNonNull(message, "message"));
    }

    @Override
    public String toString() {
        return kind + ' ' + namespace + '/' + name + ": " + message;
    }
}
