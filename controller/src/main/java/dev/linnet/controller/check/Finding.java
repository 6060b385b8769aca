package dev.linnet.controller.check;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * One thing {@code linnet check} found about an Ingress (or the controller ConfigMap).
 *
 * @param key the annotation or ConfigMap key concerned, as written, or {@code null} when the
 *     finding is about the object as a whole (a path, a Service)
 * @param message what is wrong or different, what ingress-nginx does, what Linnet does
 */
public record Finding(String key, Severity severity, Kind kind, String message) {

    /** How much it matters. */
    public enum Severity {
        /** Not served, or traffic goes elsewhere than under ingress-nginx. */
        ERROR,
        /** Served differently, or a value that was corrected. */
        WARNING,
        /** Worth seeing; nothing changes. */
        INFO;

        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What sort of finding (the JSON {@code kind}, README "Before you switch"). */
    public enum Kind {
        /** An ingress-nginx annotation or key Linnet does not implement: its effect is missing. */
        UNSUPPORTED,
        /** A key under the prefix that neither knows (ingress-nginx ignores it too). */
        IGNORED,
        /** Linnet sends traffic elsewhere than ingress-nginx, on purpose (README compatibility section). */
        DIFFERENCE,
        /** A value that cannot be used as written, or objects that do not fit together. */
        INVALID,
        /** A snippet directive outside the subset Linnet reads (docs/snippets.md). */
        SNIPPET;

        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Finding {
        requireNonNull(severity, "severity");
        requireNonNull(kind, "kind");
        requireNonNull(message, "message");
    }
}
