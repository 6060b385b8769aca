package dev.linnet.gateway.route;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.tls.CertificateTable;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An immutable routing snapshot. Everything the request path needs is computed by the
 * builder; {@link #route} only looks up:
 *
 * <pre>
 *   Host ─▶ normalise (lower case, no port, no trailing dot)
 *        ─▶ exact host map ─▶ wildcard map (*.example.com, keyed by "example.com")
 *        ─▶ default server "_" (rules without host, catch-all defaultBackend)
 *        ─▶ first matching path of that host, else the host's fallback, else null (404)
 *           (a path regex that runs out of its step budget stops the lookup: PathRegexException, 500)
 * </pre>
 *
 * A host that matches a server but none of its paths does <em>not</em> fall through to
 * {@code _}: nginx picks the server first and the location second.
 *
 * @param version a number that grows with every published table (for logs and /debug/routes)
 * @param sources the Ingresses the table was built from, {@code namespace/name} to
 *     {@code metadata.resourceVersion} ({@code ""} when the object has none, as in manifest
 *     files): what {@code /debug/routes} shows so a user can tell which edit is live
 * @param certificates what the HTTPS listener presents per SNI name ({@code spec.tls})
 */
public record RouteTable(
        long version,
        Map<String, VirtualHost> exactHosts,
        Map<String, VirtualHost> wildcardHosts,
        VirtualHost defaultServer,
        Map<String, String> sources,
        CertificateTable certificates) {

    public static final RouteTable EMPTY = new RouteTable(0, Map.of(), Map.of(),
            new VirtualHost(VirtualHost.DEFAULT_SERVER, List.of(), null));

    public RouteTable {
        exactHosts = Map.copyOf(requireNonNull(exactHosts, "exactHosts"));
        wildcardHosts = Map.copyOf(requireNonNull(wildcardHosts, "wildcardHosts"));
        requireNonNull(defaultServer, "defaultServer");
        sources = Map.copyOf(requireNonNull(sources, "sources"));
        requireNonNull(certificates, "certificates");
    }

    /** A table without certificates (no {@code spec.tls}). */
    public RouteTable(long version, Map<String, VirtualHost> exactHosts, Map<String, VirtualHost> wildcardHosts,
                      VirtualHost defaultServer, Map<String, String> sources) {
        this(version, exactHosts, wildcardHosts, defaultServer, sources, CertificateTable.EMPTY);
    }

    /** A table without source bookkeeping (tests, benchmarks). */
    public RouteTable(long version, Map<String, VirtualHost> exactHosts, Map<String, VirtualHost> wildcardHosts,
                      VirtualHost defaultServer) {
        this(version, exactHosts, wildcardHosts, defaultServer, Map.of());
    }

    /** The same routes under another version number. */
    public RouteTable withVersion(long newVersion) {
        return new RouteTable(newVersion, exactHosts, wildcardHosts, defaultServer, sources, certificates);
    }

    /**
     * The route for a request, or {@code null} when the default backend (404) should answer.
     *
     * @param hostHeader the Host header (or HTTP/2 :authority), possibly null
     * @param path the request path, without query string
     * @throws PathRegexException when a path regex of the host cannot tell whether {@code path}
     *     matches (see {@link VirtualHost#match})
     */
    public Route route(String hostHeader, String path) {
        return virtualHost(hostHeader).match(path);
    }

    /**
     * As {@link #route}, for a host already passed through {@link #normaliseHost} (the request path's caller).
     *
     * @throws PathRegexException as {@link #route}
     */
    public Route routeNormalised(String host, String path) {
        return serverFor(host).match(path);
    }

    /** The server for a host already passed through {@link #normaliseHost}; never null. */
    public VirtualHost serverNormalised(String host) {
        return serverFor(host);
    }

    /** The server a Host header selects; never null ({@code _} when nothing else matches). */
    public VirtualHost virtualHost(String hostHeader) {
        return serverFor(normaliseHost(hostHeader));
    }

    private VirtualHost serverFor(String host) {
        if (host.isEmpty()) {
            return defaultServer;
        }
        VirtualHost vh = exactHosts.get(host);
        if (vh != null) {
            return vh;
        }
        if (!wildcardHosts.isEmpty()) {
            int dot = host.indexOf('.');
            if (dot > 0) {
                vh = wildcardHosts.get(host.substring(dot + 1));
                if (vh != null) {
                    return vh;
                }
            }
        }
        return defaultServer;
    }

    /**
     * Lower case, without a port suffix and without a trailing dot: {@code Foo.Example.COM.:8080}
     * becomes {@code foo.example.com}. IPv6 literals keep their brackets.
     */
    public static String normaliseHost(String hostHeader) {
        if (hostHeader == null) {
            return "";
        }
        String h = hostHeader.trim();
        int end = h.length();
        if (!h.isEmpty() && h.charAt(0) == '[') {
            int close = h.indexOf(']');
            end = close < 0 ? end : close + 1;
        } else {
            int colon = h.indexOf(':'); // nginx's validate_host ends the name at the first ':
            if (colon >= 0) {
                end = colon;
            }
        }
        while (end > 0 && h.charAt(end - 1) == '.') {
            end--;
        }
        h = h.substring(0, end);
        return needsLowerCase(h) ? h.toLowerCase(Locale.ROOT) : h;
    }

    private static boolean needsLowerCase(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z' || c > 0x7f) {
                return true;
            }
        }
        return false;
    }
}
