package dev.linnet.controller.config;

import dev.linnet.controller.annotation.ValueType;
import dev.linnet.controller.annotation.WarningValue;
import dev.linnet.gateway.policy.AuthTemplate;
import dev.linnet.gateway.policy.ExternalAuth.SetHeader;
import dev.linnet.gateway.proxy.ClientTrust;
import dev.linnet.gateway.route.SourceRanges;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The keys of client address trust (annotations-spec.md §4, §3.1, §3.5): whose word is taken for
 * the client's address, scheme, host and port, and what the upstream is told. Applies to the next
 * request; {@code use-proxy-protocol} and its timeout to new connections.
 *
 * <p>Security settings fail closed: an invalid boolean keeps its default (off, except
 * {@code generate-request-id}); an invalid {@code proxy-real-ip-cidr} entry is dropped, never
 * replaced by the default that trusts every IPv4 peer, and a list with no valid entry trusts no
 * peer; an invalid {@code forwarded-for-header} names a header no client can send.
 */
final class ClientTrustKeys {

    /** An HTTP field name (RFC 9110 §5.1 token). */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

    private ClientTrustKeys() {
    }

    static void read(ConfigMapData d, SettingsBuilder out) {
        ClientTrust base = out.gateway().build().clientTrust(); // the flags' (none of these is a flag)
        ClientTrust.Builder t = base.toBuilder();
        boolean forwarded = d.bool("use-forwarded-headers", base.useForwardedHeaders());
        t.useForwardedHeaders(forwarded)
                .enableRealIp(d.bool("enable-real-ip", base.enableRealIp()))
                .useProxyProtocol(d.bool("use-proxy-protocol", base.useProxyProtocol()))
                .generateRequestId(d.bool("generate-request-id", base.generateRequestId()))
                .originalUriHeader(d.bool("proxy-add-original-uri-header", base.originalUriHeader()))
                .proxyProtocolTimeout(d.get("proxy-protocol-header-timeout", GO_DURATION, base.proxyProtocolTimeout()));
        boolean full = d.bool("compute-full-forwarded-for", base.computeFullForwardedFor());
        if (full && !forwarded) {
            d.warn("key compute-full-forwarded-for: has no effect without use-forwarded-headers (as in ingress-nginx)");
        }
        t.computeFullForwardedFor(full);
        t.forwardedForHeader(headerName(d, "forwarded-for-header", base.forwardedForHeader().toString()));
        t.forwardedHostHeader(headerName(d, "forwarded-host-header", base.forwardedHostHeader().toString()));
        // ingress-nginx's internal header between realip and its PROXY map (v1.13+); Linnet never
        // reads it, from a client or otherwise (annotations-spec.md §4.2, X16): accepted, no effect.
        d.string("forwarded-for-proxy-protocol-header");
        t.trustedPeers(trustedPeers(d, base.trustedPeers()));
        t.proxySetHeaders(proxySetHeaders(d, out));
        if (d.asIngressNginx() && forwarded && t.build().useProxyProtocol()) {
            d.note("use-proxy-protocol", "with use-forwarded-headers too, ingress-nginx v1.13+ takes a client's own"
                    + " X-Forwarded-For-Proxy-Protocol header as its address (annotations-spec X16) and, without"
                    + " X-Forwarded-For, the load balancer's address instead of the PROXY source (#13725); Linnet"
                    + " never reads that header and takes the PROXY source: allow and deny lists see other addresses");
        }
        out.gateway().clientTrust(t.build());
    }

    /**
     * A header name; an invalid one is kept as it is, with a warning: no client can send a header
     * by that name, so no address is taken from it (fail closed), rather than falling back to
     * {@code X-Forwarded-For}, which any client can send.
     */
    private static String headerName(ConfigMapData d, String key, String fallback) {
        String v = d.string(key);
        if (v == null) {
            return fallback;
        }
        if (!TOKEN.matcher(v).matches()) {
            d.warn("key " + key + ": " + WarningValue.quote(v) + " is invalid (expected: a header name, e.g. "
                    + fallback + "); no request has such a header, so none is read (fail closed)");
        }
        return v;
    }

    /** {@code proxy-real-ip-cidr}: invalid entries are dropped, never widened to the default. */
    private static SourceRanges trustedPeers(ConfigMapData d, SourceRanges fallback) {
        if (d.string("proxy-real-ip-cidr") == null) {
            return fallback; // absent or empty: the default
        }
        List<String> items = d.list("proxy-real-ip-cidr");
        if (items.isEmpty()) { // only separators (","): no entry, so no peer, never the trust-all default
            d.warn("key proxy-real-ip-cidr: " + WarningValue.quote(d.string("proxy-real-ip-cidr"))
                    + " names no range (expected: " + SourceRanges.EXPECTED + "); no peer is trusted: every client"
                    + " address is the connection's (fail closed)");
            return SourceRanges.of(items);
        }
        List<String> valid = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        for (String item : items) {
            (SourceRanges.isValid(item) ? valid : invalid).add(item);
        }
        if (!invalid.isEmpty()) {
            d.warn("key proxy-real-ip-cidr: " + WarningValue.quote(String.join(",", invalid)) + " is invalid (expected: "
                    + SourceRanges.EXPECTED + "); " + (valid.isEmpty()
                    ? "no peer is trusted: every client address is the connection's (fail closed)"
                    : "trusting only " + String.join(",", valid)));
        }
        return SourceRanges.of(valid);
    }

    /**
     * {@code proxy-set-headers}: the named ConfigMap's entries in key order (as ingress-nginx's
     * template ranges over them), each appended to every proxied request. A missing ConfigMap adds
     * nothing; an entry that cannot be sent safely is left out, the others stay.
     */
    private static List<SetHeader> proxySetHeaders(ConfigMapData d, SettingsBuilder out) {
        String ref = d.string("proxy-set-headers");
        if (ref == null) {
            return List.of();
        }
        int slash = ref.indexOf('/');
        if (slash <= 0 || slash == ref.length() - 1 || ref.indexOf('/', slash + 1) >= 0) {
            d.invalid("proxy-set-headers", ref, "namespace/name of a ConfigMap", "no extra headers");
            return List.of();
        }
        ConfigMap map = out.lookup().configMap(ref.substring(0, slash), ref.substring(slash + 1));
        if (map == null) {
            d.warn("key proxy-set-headers: ConfigMap " + ref + " not found; no extra headers until it exists");
            return List.of();
        }
        Map<String, String> data = map.getData() == null ? Map.of() : new TreeMap<>(map.getData());
        List<SetHeader> headers = new ArrayList<>();
        for (Map.Entry<String, String> e : data.entrySet()) {
            String name = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue();
            String problem = null;
            if (!TOKEN.matcher(name).matches()) {
                problem = "is not a header name";
            } else if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
                problem = "has a CR, LF or NUL in its value (header injection)";
            } else {
                try {
                    headers.add(new SetHeader(name, AuthTemplate.compile(value)));
                } catch (IllegalArgumentException ex) {
                    problem = ex.getMessage();
                }
            }
            if (problem != null) {
                d.warn("key proxy-set-headers: entry " + WarningValue.quote(name) + " of ConfigMap " + ref + " "
                        + problem + "; not sent");
            }
        }
        return headers;
    }

    /** Go's {@code time.ParseDuration} for positive values: {@code 5s}, {@code 1m30s}, {@code 500ms}. */
    static final ValueType<Duration> GO_DURATION = new ValueType<>() {
        @Override
        public Duration parse(String raw) {
            Matcher m = GO_DURATION_PART.matcher(raw);
            BigDecimal nanos = BigDecimal.ZERO;
            int at = 0;
            while (at < raw.length() && m.find(at) && m.start() == at) {
                long unit = switch (m.group(2)) {
                    case "ns" -> 1L;
                    case "us", "µs" -> 1_000L;
                    case "ms" -> 1_000_000L;
                    case "s" -> 1_000_000_000L;
                    case "m" -> 60_000_000_000L;
                    default -> 3_600_000_000_000L;
                };
                nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)));
                at = m.end();
            }
            if (at == 0 || at != raw.length() || nanos.signum() <= 0
                    || nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                return null;
            }
            return Duration.ofNanos(nanos.longValue());
        }

        @Override
        public String expected() {
            return "a positive Go duration, e.g. 5s or 500ms";
        }
    };
}
