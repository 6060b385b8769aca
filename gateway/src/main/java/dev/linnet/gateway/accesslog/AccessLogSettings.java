package dev.linnet.gateway.accesslog;

import static java.util.Objects.requireNonNull;

/**
 * The access log (annotations-spec.md §7): on or off, its format, escaping and skipped URLs, read
 * from the controller ConfigMap. Immutable; the format is compiled when the settings are made,
 * never per request. The per-Ingress switch ({@code enable-access-log}) is on the route.
 *
 * @param enabled false with {@code disable-access-log} or {@code disable-http-access-log}
 * @param format {@code log-format-upstream}, compiled
 * @param escaping {@code log-format-escape-json} / {@code -none} (none wins)
 * @param skip {@code skip-access-log-urls}
 * @param defaultBackend {@code enable-access-log-for-default-backend}: log requests no route
 *     matched (the default backend's 404); off by default, as in ingress-nginx
 */
public record AccessLogSettings(boolean enabled, LogFormat format, Escaping escaping, SkipUrls skip,
        boolean defaultBackend) {

    /** ingress-nginx's defaults. */
    public static final AccessLogSettings DEFAULT =
            new AccessLogSettings(true, LogFormat.DEFAULT, Escaping.DEFAULT, SkipUrls.NONE, false);

    public AccessLogSettings {
        requireNonNull(format, "format");
        requireNonNull(escaping, "escaping");
        requireNonNull(skip, "skip");
    }

    /** These settings with {@code enable-access-log-for-default-backend} set to {@code on}. */
    public AccessLogSettings withDefaultBackend(boolean on) {
        return new AccessLogSettings(enabled, format, escaping, skip, on);
    }

    /** These settings, switched on or off. */
    public AccessLogSettings withEnabled(boolean on) {
        return new AccessLogSettings(on, format, escaping, skip, defaultBackend);
    }
}
