package dev.linnet.gateway.accesslog;

/**
 * The access log (annotations-spec.md §7): on or off, its format, escaping and skipped URLs.
 */
public record AccessLogSettings() {

    /** ingress-nginx's defaults. */
    public static final AccessLogSettings DEFAULT = new AccessLogSettings();
}
