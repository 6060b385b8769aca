package dev.linnet.gateway.tls;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.security.auth.x500.X500Principal;

/**
 * A DN as nginx's {@code $ssl_client_s_dn} shows it: OpenSSL's {@code X509_NAME_print_ex} with
 * {@code XN_FLAG_RFC2253}. That is RFC 2253 order and escaping (what the JDK's RFC 2253 form
 * does) with OpenSSL's short names for attributes the JDK only knows by OID
 * ({@code emailAddress=}, not {@code 1.2.840.113549.1.9.1=#16…}), and every byte of a non-ASCII
 * or control character escaped as {@code \XX} ({@code ASN1_STRFLGS_ESC_MSB}, {@code _ESC_CTRL}).
 * Attributes OpenSSL does not know either stay {@code <oid>=#<DER hex>}, as in OpenSSL.
 */
public final class DistinguishedNames {

    /** OpenSSL's short names (crypto/objects/objects.txt) where they differ from the JDK's keywords. */
    private static final Map<String, String> OPENSSL_NAMES = Map.ofEntries(
            Map.entry("1.2.840.113549.1.9.1", "emailAddress"),
            Map.entry("2.5.4.9", "street"),
            Map.entry("2.5.4.5", "serialNumber"),
            Map.entry("2.5.4.4", "SN"),
            Map.entry("2.5.4.42", "GN"),
            Map.entry("2.5.4.12", "title"),
            Map.entry("2.5.4.43", "initials"),
            Map.entry("2.5.4.44", "generationQualifier"),
            Map.entry("2.5.4.46", "dnQualifier"),
            Map.entry("2.5.4.65", "pseudonym"),
            Map.entry("2.5.4.13", "description"),
            Map.entry("2.5.4.15", "businessCategory"),
            Map.entry("2.5.4.17", "postalCode"),
            Map.entry("2.5.4.41", "name"),
            Map.entry("2.5.4.97", "organizationIdentifier"),
            Map.entry("1.3.6.1.4.1.311.60.2.1.1", "jurisdictionL"),
            Map.entry("1.3.6.1.4.1.311.60.2.1.2", "jurisdictionST"),
            Map.entry("1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC"),
            Map.entry("1.2.840.113549.1.9.2", "unstructuredName"));

    private DistinguishedNames() {
    }

    /** {@code CN=authtls.foo.com-client,O=Acme Co}. */
    public static String rfc2253(X500Principal name) {
        String s = name.getName(X500Principal.RFC2253, OPENSSL_NAMES);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f) {
                return escapeBytes(s);
            }
        }
        return s;
    }

    private static String escapeBytes(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int v = b & 0xff;
            if (v < 0x20 || v >= 0x7f) {
                out.append('\\').append(Character.toUpperCase(Character.forDigit(v >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(v & 0xf, 16)));
            } else {
                out.append((char) v);
            }
        }
        return out.toString();
    }
}
