package dev.linnet.controller.annotation;

import dev.linnet.gateway.policy.ClientCertAuth;
import dev.linnet.gateway.policy.ClientCertAuth.VerifyClient;
import dev.linnet.gateway.policy.HostForbidden;
import dev.linnet.gateway.policy.Policy;
import dev.linnet.gateway.route.HeaderPattern;
import dev.linnet.gateway.tls.ClientCa;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code auth-tls-*}: client certificates, a setting of the Ingress's <em>hosts</em>, not of its
 * paths (auth-limits-spec.md §4). Read in ingress-nginx's order ({@code authtls/main.go}): no
 * {@code auth-tls-secret}, nothing; a Secret that cannot be used makes the hosts answer 403
 * (HOST403) and nothing else is read; then the other keys, where an invalid error page,
 * pass-certificate flag or match-cn drops the Ingress (DROP).
 */
public final class ClientCertAnnotations {

    public static final AnnotationKey<String> SECRET = AnnotationKey.prefixed(
            "auth-tls-secret", ValueType.BASIC_CHARS, "", "none",
            "namespace/name of a Secret with ca.crt (and optionally ca.crl): the host asks clients for a certificate"
                    + " those CAs issued");
    public static final AnnotationKey<String> VERIFY_CLIENT = AnnotationKey.prefixed(
            "auth-tls-verify-client", ValueType.VERBATIM, "on",
            "on, off, optional or optional_no_ca (nginx's ssl_verify_client)");
    public static final AnnotationKey<Long> VERIFY_DEPTH = AnnotationKey.prefixed(
            "auth-tls-verify-depth", ValueType.INT, 1L,
            "the most intermediate CAs between a client's certificate and a CA of ca.crt");
    public static final AnnotationKey<String> ERROR_PAGE = AnnotationKey.prefixed(
            "auth-tls-error-page", ValueType.VERBATIM, "", "none",
            "a URL that requests failing the certificate check are redirected to (302) instead of their 400");
    public static final AnnotationKey<Boolean> PASS_CERTIFICATE = AnnotationKey.prefixed(
            "auth-tls-pass-certificate-to-upstream", ValueType.BOOL, false,
            "send the client's certificate upstream in ssl-client-cert (percent-encoded PEM)");
    public static final AnnotationKey<String> MATCH_CN = AnnotationKey.prefixed(
            "auth-tls-match-cn", ValueType.VERBATIM, "", "none",
            "CN=<regex>: 403 unless the regex is found in the client certificate's subject DN");

    public static final List<AnnotationKey<?>> KEYS = List.of(SECRET, VERIFY_CLIENT, VERIFY_DEPTH, ERROR_PAGE,
            PASS_CERTIFICATE, MATCH_CN);

    /** ingress-nginx's validator for {@code auth-tls-error-page} (a URL without query, or {@code @named}). */
    private static final Pattern ERROR_PAGE_FORMAT = Pattern.compile(
            "^(@[A-Za-z0-9_-]+|((https?://)?[A-Za-z0-9\\-.]+(:\\d+)?)?(/[A-Za-z0-9\\-_.]+)*/?)$");

    /**
     * What an Ingress's {@code auth-tls-*} keys give its hosts.
     *
     * @param hostPolicy a {@link ClientCertAuth}, a {@link HostForbidden} (HOST403), or null (no client certificates)
     * @param dropped why the Ingress is not served (DROP), or null
     */
    public record Result(Policy hostPolicy, String dropped) {
        static final Result NONE = new Result(null, null);
    }

    private ClientCertAnnotations() {
    }

    /** Whether any {@code auth-tls-*} key is on the object. */
    public static boolean present(Map<String, String> annotations, String prefix) {
        return KEYS.stream().anyMatch(k -> k.isPresent(annotations, prefix));
    }

    public static Result parse(Map<String, String> annotations, String prefix, String namespace, ClusterLookup lookup,
            Consumer<String> warnings) {
        return parse(annotations, prefix, namespace, lookup, warnings, false);
    }

    /**
     * As above; {@code asIngressNginx} ({@code linnet check}): a Secret without {@code ca.crt}
     * leaves the hosts without client certificates, as ingress-nginx does, with a {@link Deviation} note.
     */
    public static Result parse(Map<String, String> annotations, String prefix, String namespace, ClusterLookup lookup,
            Consumer<String> warnings, boolean asIngressNginx) {
        String raw = SECRET.raw(annotations, prefix);
        if (raw == null || raw.isBlank()) {
            if (present(annotations, prefix)) {
                warnings.accept("annotation " + SECRET.fullName(prefix) + " is not set: the other auth-tls-*"
                        + " annotations are ignored, as in ingress-nginx");
            }
            return Result.NONE;
        }
        String name = ValueType.BASIC_CHARS.parse(raw);
        if (name == null) {
            return dropped(SECRET.describe(prefix, raw) + " is invalid (expected: " + SECRET.expected() + ")");
        }
        Ca resolved = ca(name, namespace, lookup);
        if (resolved.problem() != null && resolved.ingressNginxServesOpen() && asIngressNginx) {
            warnings.accept(Deviation.note(SECRET.fullName(prefix), SECRET.describe(prefix, raw) + ": "
                    + resolved.problem() + ": ingress-nginx serves the Ingress's hosts without client certificates"
                    + " (it logs this at verbosity 3 only); Linnet answers 403 on them (fails closed)"));
            return Result.NONE;
        }
        if (resolved.problem() != null) {
            String reason = SECRET.describe(prefix, raw) + ": " + resolved.problem();
            warnings.accept(reason + "; every request to the Ingress's hosts answers 403 (fails closed)");
            return new Result(new HostForbidden(reason), null);
        }

        String verifyRaw = VERIFY_CLIENT.raw(annotations, prefix);
        VerifyClient verify = verifyRaw == null || verifyRaw.isBlank() ? VerifyClient.ON : VerifyClient.of(verifyRaw.strip());
        if (verify == null) {
            warnings.accept(VERIFY_CLIENT.describe(prefix, verifyRaw) + " is invalid (expected: on, off, optional or"
                    + " optional_no_ca); using on");
            verify = VerifyClient.ON;
        }
        long depth = VERIFY_DEPTH.read(annotations, prefix, warnings);
        if (depth < 1 || depth > 100) {
            warnings.accept(VERIFY_DEPTH.describe(prefix, VERIFY_DEPTH.raw(annotations, prefix))
                    + " is invalid (expected: 1-100); using 1");
            depth = 1;
        }
        String errorPage = null;
        String pageRaw = ERROR_PAGE.raw(annotations, prefix);
        if (pageRaw != null && !pageRaw.isBlank()) {
            String page = pageRaw.strip();
            if (!ERROR_PAGE_FORMAT.matcher(page).matches()) {
                return dropped(ERROR_PAGE.describe(prefix, pageRaw) + " is invalid (expected: [http(s)://]host[:port]/path"
                        + " or @name)");
            }
            if (page.startsWith("/") || page.startsWith("@")) {
                warnings.accept(ERROR_PAGE.describe(prefix, pageRaw) + " is an internal redirect, which Linnet does not"
                        + " do; failed certificate checks answer 400 (use a URL for a 302)");
            } else {
                errorPage = page; // nginx's error_page with anything else: 302 to it as written
            }
        }
        String passRaw = PASS_CERTIFICATE.raw(annotations, prefix);
        Boolean pass = passRaw == null ? Boolean.FALSE : ValueType.BOOL.parse(passRaw);
        if (pass == null) {
            return dropped(PASS_CERTIFICATE.describe(prefix, passRaw) + " is invalid (expected: "
                    + PASS_CERTIFICATE.expected() + ")");
        }
        HeaderPattern matchCn = null;
        String cnRaw = MATCH_CN.raw(annotations, prefix);
        if (cnRaw != null && !cnRaw.isBlank()) {
            String cn = cnRaw.strip();
            if (!cn.startsWith("CN=") || cn.indexOf('\r') >= 0 || cn.indexOf('\n') >= 0 || !compiles(cn.substring(3))) {
                return dropped(MATCH_CN.describe(prefix, cnRaw) + " is invalid (expected: CN= and a regular expression)");
            }
            matchCn = HeaderPattern.of(cn); // bounded: a pathological pattern cannot stall a worker (DESIGN.md 4)
        }
        return new Result(new ClientCertAuth(resolved.ca(), verify, (int) depth, errorPage, pass, matchCn), null);
    }

    private static boolean compiles(String regex) {
        try {
            Pattern.compile(regex);
            return true;
        } catch (PatternSyntaxException e) {
            return false;
        }
    }

    private static Result dropped(String problem) {
        return new Result(null, problem);
    }

    /**
     * The CA of an {@code auth-tls-secret}, or why there is none.
     *
     * @param ingressNginxServesOpen whether ingress-nginx would then serve without client certificates
     */
    private record Ca(ClientCa ca, String problem, boolean ingressNginxServesOpen) {
        Ca(ClientCa ca, String problem) {
            this(ca, problem, false);
        }
    }

    private static Ca ca(String nsName, String namespace, ClusterLookup lookup) {
        int slash = nsName.indexOf('/');
        if (slash <= 0 || slash != nsName.lastIndexOf('/') || slash == nsName.length() - 1) {
            return new Ca(null, "not namespace/name (ingress-nginx accepts no bare Secret name here)");
        }
        String ns = nsName.substring(0, slash);
        if (!ns.equals(namespace)) {
            return new Ca(null, "the Secret is in another namespace than the Ingress (" + namespace
                    + "; allow-cross-namespace-resources is false)");
        }
        Secret secret = lookup.secret(ns, nsName.substring(slash + 1));
        if (secret == null) {
            return new Ca(null, "Secret " + nsName + " not found");
        }
        try {
            String caCrt = SecretData.text(secret, "ca.crt");
            if (caCrt == null || caCrt.isBlank()) {
                // ingress-nginx would serve the host without client certificates: it fails open
                return new Ca(null, "Secret " + nsName + " has no ca.crt (expected: the CA certificates clients"
                        + " are checked against)", true);
            }
            return new Ca(ClientCa.fromPem(caCrt, SecretData.text(secret, "ca.crl")), null);
        } catch (IllegalArgumentException e) { // InvalidCertificateException too
            return new Ca(null, "Secret " + nsName + ": " + e.getMessage());
        }
    }
}
