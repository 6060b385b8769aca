package dev.linnet.controller.config;

import dev.linnet.controller.annotation.WarningValue;
import dev.linnet.gateway.proxy.ResponseHeaders;
import dev.linnet.gateway.tls.OpenSslNames;
import dev.linnet.gateway.tls.TlsPolicy;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The headers the gateway puts on responses and the HTTPS listener's TLS settings
 * (annotations-spec.md §8.4, §3.5, §8.3, §10): {@code hsts*}, {@code server-tokens},
 * {@code allow-backend-server-header}, {@code add-headers}, {@code hide-headers}, {@code ssl-protocols},
 * {@code ssl-ciphers}. None mirrors a flag; each applies to the next response (TLS: to new
 * connections). An unusable value keeps the key's ingress-nginx default with a warning, except
 * {@code hsts-max-age}: ingress-nginx sends it verbatim, so a malformed one is a header browsers
 * ignore; Linnet sends none, which browsers see the same way.
 */
final class ResponseKeys {

    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    /** RFC 9110 §5.6.2 token: what a header name may be. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Visible ASCII, space and tab: what Linnet sends as a header value. */
    private static final Pattern VALUE = Pattern.compile("[\\t\\x20-\\x7e]*");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?[A-Za-z_]");
    /** Headers that frame the message or the connection: set on every response they would break it. */
    private static final Set<String> FRAMING = Set.of("content-length", "transfer-encoding", "connection",
            "keep-alive", "proxy-connection", "upgrade", "te", "trailer");

    /** {@code Server} with {@code server-tokens: true}: the name and version, as nginx's {@code nginx/1.27.1}. */
    static final String SERVER = "linnet/" + release();

    private ResponseKeys() {
    }

    static void read(ConfigMapData d, SettingsBuilder out) {
        String server = d.bool("server-tokens", false) ? SERVER : null;
        boolean backendServer = d.bool("allow-backend-server-header", false);
        out.gateway().responseHeaders(new ResponseHeaders(hsts(d), server, backendServer, addHeaders(d, out),
                hideHeaders(d)));
        out.gateway().tlsPolicy(tlsPolicy(d));
    }

    /** The Strict-Transport-Security value, or {@code null}: none. */
    private static String hsts(ConfigMapData d) {
        boolean on = d.bool("hsts", true);
        String maxAge = d.string("hsts-max-age", "31536000");
        boolean subdomains = d.bool("hsts-include-subdomains", true);
        boolean preload = d.bool("hsts-preload", false);
        if (!on) {
            return null;
        }
        if (!DIGITS.matcher(maxAge).matches()) {
            d.warn("key hsts-max-age: " + WarningValue.quote(maxAge) + " is invalid (expected: a number of seconds);"
                    + " no Strict-Transport-Security header is sent (ingress-nginx sends it malformed, and browsers"
                    + " ignore it)");
            return null;
        }
        return ResponseHeaders.hstsValue(maxAge, subdomains, preload);
    }

    /**
     * {@code add-headers: <namespace>/<name>}: that ConfigMap's entries, sent on every response.
     * Missing: a warning, nothing added (as ingress-nginx). ingress-nginx validates nothing and
     * expands {@code $variables}; Linnet skips an entry that is not a header (a name that is not
     * a token, a value with control or non-ASCII characters, a framing header such as
     * {@code Content-Length}) with a warning, and sends values
     * literally (a warning names each value that looks like a variable).
     */
    private static List<ResponseHeaders.Header> addHeaders(ConfigMapData d, SettingsBuilder out) {
        String ref = d.string("add-headers");
        if (ref == null) {
            return List.of();
        }
        int slash = ref.indexOf('/');
        ConfigMap source = slash > 0 && slash < ref.length() - 1
                ? out.lookup().configMap(ref.substring(0, slash), ref.substring(slash + 1)) : null;
        if (source == null) {
            d.warn("key add-headers: ConfigMap " + WarningValue.quote(ref) + " not found (expected: namespace/name of"
                    + " an existing ConfigMap); no headers added");
            return List.of();
        }
        List<ResponseHeaders.Header> headers = new ArrayList<>();
        Map<String, String> data = source.getData() == null ? Map.of() : new TreeMap<>(source.getData());
        for (Map.Entry<String, String> e : data.entrySet()) {
            String name = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue().strip();
            if (!TOKEN.matcher(name).matches() || !VALUE.matcher(value).matches()) {
                d.warn("key add-headers: ConfigMap " + ref + " entry " + WarningValue.quote(name) + ": "
                        + WarningValue.quote(value) + " is not a header (expected: a token name, a value of visible"
                        + " ASCII); skipped");
                continue;
            }
            if (FRAMING.contains(name.toLowerCase(Locale.ROOT))) {
                d.warn("key add-headers: ConfigMap " + ref + " entry " + WarningValue.quote(name) + " frames the"
                        + " message or the connection: set on every response it would break them; skipped");
                continue;
            }
            if (VARIABLE.matcher(value).find()) {
                d.warn("key add-headers: ConfigMap " + ref + " entry " + name + ": " + WarningValue.quote(value)
                        + " is sent literally (Linnet does not expand nginx variables)");
            }
            headers.add(ResponseHeaders.Header.of(name, value));
        }
        return headers;
    }

    /**
     * {@code hide-headers: X-Powered-By, Server}: names removed from every upstream response
     * (ingress-nginx renders each as an http-level {@code proxy_hide_header}). A name that is not a
     * token is skipped with a warning (in nginx.conf it would fail the reload, or hide nothing).
     * Unlike nginx, a location's own {@code proxy_hide_header} (a configuration-snippet) adds to
     * this list instead of replacing it: a snippet cannot un-hide what the ConfigMap hides.
     */
    private static List<String> hideHeaders(ConfigMapData d) {
        List<String> names = new ArrayList<>();
        for (String name : d.list("hide-headers")) {
            if (!TOKEN.matcher(name).matches()) {
                d.warn("key hide-headers: " + WarningValue.quote(name) + " is not a header name (expected: a token,"
                        + " e.g. X-Powered-By); skipped, the other names are hidden");
                continue;
            }
            String n = name.toLowerCase(Locale.ROOT);
            if (!names.contains(n)) {
                names.add(n);
            }
        }
        return names;
    }

    /**
     * {@code ssl-protocols} (space separated) and {@code ssl-ciphers} (an OpenSSL cipher list)
     * mapped to the provider's names. A name Linnet cannot map or the TLS provider lacks is
     * skipped with a warning; when nothing usable is left, the default with a warning: an HTTPS
     * listener never ends up without a protocol or a TLS 1.2 suite. TLS 1.3's suites are always
     * on, as nginx's {@code ssl_ciphers} does not reach them.
     */
    private static TlsPolicy tlsPolicy(ConfigMapData d) {
        List<String> protocols = protocols(d);
        List<String> ciphers = ciphers(d, protocols);
        return new TlsPolicy(protocols, ciphers);
    }

    private static List<String> protocols(ConfigMapData d) {
        String raw = d.string("ssl-protocols");
        if (raw == null) {
            return TlsPolicy.DEFAULT.protocols();
        }
        List<String> out = new ArrayList<>();
        for (String item : raw.split("\\s+")) {
            String protocol = OpenSslNames.protocol(item);
            if (protocol == null) {
                d.warn("key ssl-protocols: " + WarningValue.quote(item) + " is not a protocol Linnet offers (expected:"
                        + " TLSv1.2, TLSv1.3; TLSv1, TLSv1.1 where the TLS provider allows them); skipped");
            } else if (!OpenSslNames.supportedProtocol(protocol)) {
                d.warn("key ssl-protocols: " + protocol + " is disabled in this JVM (jdk.tls.disabledAlgorithms);"
                        + " skipped");
            } else {
                if (protocol.equals("TLSv1") || protocol.equals("TLSv1.1")) {
                    d.warn("key ssl-protocols: " + protocol + " is deprecated (RFC 8996) and offered only because it"
                            + " is listed");
                }
                if (!out.contains(protocol)) {
                    out.add(protocol);
                }
            }
        }
        if (!out.contains("TLSv1.2") && !out.contains("TLSv1.3")) {
            d.invalid("ssl-protocols", raw, "TLSv1.2 and/or TLSv1.3", String.join(" ", TlsPolicy.DEFAULT.protocols()));
            return TlsPolicy.DEFAULT.protocols();
        }
        return out;
    }

    private static List<String> ciphers(ConfigMapData d, List<String> protocols) {
        String raw = d.string("ssl-ciphers");
        if (raw == null) {
            return TlsPolicy.DEFAULT.ciphers();
        }
        List<String> out = new ArrayList<>();
        for (String item : OpenSslNames.items(raw)) {
            String iana = OpenSslNames.cipher(item);
            if (iana == null) {
                d.warn("key ssl-ciphers: " + WarningValue.quote(item) + " is not a cipher suite name Linnet maps"
                        + " (OpenSSL keywords and operators such as HIGH or !aNULL are not supported); skipped");
            } else if (!OpenSslNames.supported(iana)) {
                d.warn("key ssl-ciphers: " + item + " (" + iana + ") is not offered by the TLS provider; skipped");
            } else if (!out.contains(iana)) {
                out.add(iana);
            }
        }
        boolean tls12 = out.stream().anyMatch(c -> !TlsPolicy.TLS13_CIPHERS.contains(c));
        boolean needs12 = protocols.stream().anyMatch(p -> !p.equals("TLSv1.3"));
        if (needs12 && !tls12) {
            d.invalid("ssl-ciphers", raw, "OpenSSL names of TLS 1.2 cipher suites the TLS provider offers, e.g. "
                    + "ECDHE-RSA-AES256-GCM-SHA384", "the default");
            return TlsPolicy.DEFAULT.ciphers();
        }
        return TlsPolicy.withTls13(out.stream().filter(c -> !TlsPolicy.TLS13_CIPHERS.contains(c)).toList());
    }

    /** The Maven project version the build filtered into the CLI's version.properties, or "unknown". */
    private static String release() {
        Properties p = new Properties();
        try (InputStream in = ResponseKeys.class.getResourceAsStream("/dev/linnet/controller/cli/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }
}
