package dev.linnet.controller.config;

import dev.linnet.controller.annotation.WarningValue;
import dev.linnet.gateway.accesslog.AccessLogSettings;
import dev.linnet.gateway.accesslog.Escaping;
import dev.linnet.gateway.accesslog.LogFormat;
import dev.linnet.gateway.accesslog.SkipUrls;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The keys of the access log (annotations-spec.md §7.2): {@code log-format-upstream} (compiled
 * here, once per change), the escape modes, {@code disable-access-log}, the paths (accepted:
 * Linnet always writes to standard output), {@code skip-access-log-urls} and
 * {@code enable-access-log-for-default-backend}. The per-Ingress switch is the
 * {@code enable-access-log} annotation ({@code ProxyAnnotations}).
 */
final class AccessLogKeys {

    /** Paths that are standard output in ingress-nginx's image (its access.log links there). */
    private static final Set<String> STDOUT = Set.of("/var/log/nginx/access.log", "/dev/stdout");

    private AccessLogKeys() {
    }

    static void read(ConfigMapData d, SettingsBuilder out) {
        boolean disabled = d.bool("disable-access-log", false);
        disabled |= d.bool("disable-http-access-log", false);
        LogFormat format = LogFormat.DEFAULT;
        String source = d.string("log-format-upstream");
        if (source != null) {
            format = LogFormat.compile(source);
            for (String name : format.unknown()) {
                d.warn("key log-format-upstream: unknown variable $" + name + ", logged as - (the README's"
                        + " \"Access log\" lists the variables Linnet knows)");
            }
        }
        boolean json = d.bool("log-format-escape-json", false);
        boolean none = d.bool("log-format-escape-none", false);
        Escaping escaping = none ? Escaping.NONE : json ? Escaping.JSON : Escaping.DEFAULT; // none wins, as in the template
        for (String key : List.of("access-log-path", "http-access-log-path")) {
            String path = d.string(key);
            if (path != null && !STDOUT.contains(path)) {
                d.warn("key " + key + ": " + WarningValue.quote(path) + " is accepted, but Linnet always writes the"
                        + " access log to standard output");
            }
        }
        List<String> invalid = new ArrayList<>();
        SkipUrls skip = SkipUrls.of(d.list("skip-access-log-urls"), invalid);
        for (String entry : invalid) {
            d.warn("key skip-access-log-urls: " + WarningValue.quote(entry) + " is not a valid regular expression;"
                    + " that entry is ignored");
        }
        boolean defaultBackend = d.bool("enable-access-log-for-default-backend", false);
        out.gateway().accessLog(new AccessLogSettings(!disabled, format, escaping, skip, defaultBackend));
    }
}
