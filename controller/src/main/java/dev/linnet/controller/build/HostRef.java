package dev.linnet.controller.build;

import dev.linnet.controller.annotation.WarningValue;
import dev.linnet.gateway.route.VirtualHost;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Where a rule's host lands in the table. The Ingress API allows one wildcard form,
 * {@code *.example.com}: the {@code *} is the whole first label and matches exactly one label.
 *
 * @param kind which host map
 * @param key the map key: the host, the wildcard's suffix ({@code example.com}), or {@code _}
 * @param name the host as routes and logs show it ({@code *.example.com} for a wildcard)
 */
record HostRef(Kind kind, String key, String name) {

    enum Kind { EXACT, WILDCARD, DEFAULT }

    static final HostRef DEFAULT_SERVER =
            new HostRef(Kind.DEFAULT, VirtualHost.DEFAULT_SERVER, VirtualHost.DEFAULT_SERVER);

    /** The rule host, lower-cased; {@code null} (with a warning) when it is not a usable host. */
    static HostRef of(String host, Consumer<String> warnings) {
        if (host == null || host.isEmpty()) {
            return DEFAULT_SERVER;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.indexOf('*') < 0) {
            return new HostRef(Kind.EXACT, h, h);
        }
        if (h.startsWith("*.") && h.length() > 2 && h.indexOf('*', 1) < 0) {
            return new HostRef(Kind.WILDCARD, h.substring(2), h);
        }
        warnings.accept("host " + WarningValue.quote(host)
                + " is not a valid wildcard (expected: *.<domain>, the * being the"
                + " whole first label); rule skipped");
        return null;
    }
}
