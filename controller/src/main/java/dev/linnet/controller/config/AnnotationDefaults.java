package dev.linnet.controller.config;

/**
 * Per-Ingress annotation defaults and global policies the controller ConfigMap sets
 * ({@code ssl-redirect}, {@code whitelist-source-range}, {@code global-auth-url} …): the
 * annotation parsers read them where an Ingress has no annotation of its own.
 */
public record AnnotationDefaults() {

    /** ingress-nginx's built-in defaults (no ConfigMap). */
    public static final AnnotationDefaults DEFAULT = new AnnotationDefaults();
}
