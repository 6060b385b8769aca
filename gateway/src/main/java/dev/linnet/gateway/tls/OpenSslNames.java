package dev.linnet.gateway.tls;

import io.netty.handler.ssl.OpenSsl;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * ingress-nginx's {@code ssl-protocols} and {@code ssl-ciphers} speak OpenSSL
 * ({@code TLSv1.2}, {@code ECDHE-RSA-AES256-GCM-SHA384}); the TLS providers take IANA suite
 * names ({@code TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384}). This maps the individual suite names
 * (OpenSSL's {@code openssl ciphers -stdname} table, the suites of TLS 1.2 and below that a
 * current provider may still offer). OpenSSL's keywords and operators ({@code HIGH},
 * {@code !aNULL}, {@code ECDHE+AESGCM}) have no mapping: the caller warns and skips them.
 */
public final class OpenSslNames {

    private static final Map<String, String> CIPHERS = Map.ofEntries(
            Map.entry("ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("ECDHE-ECDSA-CHACHA20-POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry("ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry("DHE-RSA-AES128-GCM-SHA256", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("DHE-RSA-AES256-GCM-SHA384", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("DHE-RSA-CHACHA20-POLY1305", "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry("ECDHE-ECDSA-AES128-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"),
            Map.entry("ECDHE-RSA-AES128-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"),
            Map.entry("ECDHE-ECDSA-AES256-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"),
            Map.entry("ECDHE-RSA-AES256-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"),
            Map.entry("ECDHE-ECDSA-AES128-SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
            Map.entry("ECDHE-RSA-AES128-SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
            Map.entry("ECDHE-ECDSA-AES256-SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"),
            Map.entry("ECDHE-RSA-AES256-SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
            Map.entry("DHE-RSA-AES128-SHA256", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256"),
            Map.entry("DHE-RSA-AES256-SHA256", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256"),
            Map.entry("DHE-RSA-AES128-SHA", "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"),
            Map.entry("DHE-RSA-AES256-SHA", "TLS_DHE_RSA_WITH_AES_256_CBC_SHA"),
            Map.entry("AES128-GCM-SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("AES256-GCM-SHA384", "TLS_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("AES128-SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA256"),
            Map.entry("AES256-SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA256"),
            Map.entry("AES128-SHA", "TLS_RSA_WITH_AES_128_CBC_SHA"),
            Map.entry("AES256-SHA", "TLS_RSA_WITH_AES_256_CBC_SHA"),
            Map.entry("ECDHE-RSA-DES-CBC3-SHA", "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"),
            Map.entry("DES-CBC3-SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA"));

    /** OpenSSL's protocol names that are protocols today; SSLv2/SSLv3 are not (the providers have none). */
    private static final Set<String> PROTOCOLS = Set.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    private OpenSslNames() {
    }

    /**
     * The IANA name of one suite named the OpenSSL way, or {@code null}. An IANA name
     * ({@code TLS_…}, as OpenSSL names the TLS 1.3 suites) is returned as it is.
     */
    public static String cipher(String name) {
        if (name.startsWith("TLS_")) {
            return name;
        }
        return CIPHERS.get(name.toUpperCase(Locale.ROOT));
    }

    /** The suites of an OpenSSL cipher list ({@code :}, {@code ,} or space separated) that have a mapping. */
    static List<String> ciphers(String list) {
        List<String> out = new ArrayList<>();
        for (String item : items(list)) {
            String iana = cipher(item);
            if (iana != null) {
                out.add(iana);
            }
        }
        return out;
    }

    /** The items of an OpenSSL cipher list, as OpenSSL splits it. */
    public static List<String> items(String list) {
        List<String> out = new ArrayList<>();
        for (String item : list.split("[:, ]+")) {
            if (!item.isEmpty()) {
                out.add(item);
            }
        }
        return out;
    }

    /** {@code TLSv1} … {@code TLSv1.3} as the providers spell them, or {@code null} (SSLv2, SSLv3, unknown). */
    public static String protocol(String name) {
        return PROTOCOLS.contains(name) ? name : null;
    }

    /**
     * Whether the TLS provider the HTTPS listener will use ({@link TlsContexts#create()}) offers
     * the suite: BoringSSL has no DHE suites, the JDK disables 3DES.
     */
    public static boolean supported(String ianaCipher) {
        if (OpenSsl.isAvailable()) {
            return OpenSsl.isCipherSuiteAvailable(ianaCipher);
        }
        return JdkSuites.SUPPORTED.contains(ianaCipher);
    }

    /**
     * Whether that provider speaks the protocol: BoringSSL has TLS 1.0 to 1.3; the JDK disables
     * TLS 1.0 and 1.1 ({@code jdk.tls.disabledAlgorithms}).
     */
    public static boolean supportedProtocol(String protocol) {
        if (OpenSsl.isAvailable()) {
            return true; // netty-tcnative's BoringSSL is built with all four
        }
        return JdkSuites.PROTOCOLS.contains(protocol);
    }

    /** The JDK's enabled suites and protocols, looked up once (only without BoringSSL). */
    private static final class JdkSuites {
        static final Set<String> SUPPORTED;
        static final Set<String> PROTOCOLS;

        static {
            Set<String> suites = Set.of();
            Set<String> protocols = Set.of("TLSv1.2", "TLSv1.3");
            try {
                javax.net.ssl.SSLParameters p = SSLContext.getDefault().getDefaultSSLParameters();
                suites = Set.of(p.getCipherSuites());
                protocols = Set.of(p.getProtocols());
            } catch (NoSuchAlgorithmException e) {
                // no default context: nothing is known to be supported beyond the two modern versions
            }
            SUPPORTED = suites;
            PROTOCOLS = protocols;
        }
    }
}
