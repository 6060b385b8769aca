package dev.linnet.controller.config;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.policy.AccessList;
import dev.linnet.gateway.policy.Policies;
import dev.linnet.gateway.policy.Policy;
import dev.linnet.gateway.policy.Step;
import java.util.List;

/**
 * Per-Ingress annotation defaults and global policies the controller ConfigMap sets
 * ({@link DefaultKeys}): the annotation parsers read them where an Ingress has no annotation of
 * its own, and the builder applies the path exemptions per route. Parsed once per ConfigMap, so
 * every Ingress shares the same immutable values (and the same global-auth policy).
 *
 * @param sslRedirect {@code ssl-redirect}: the default of the annotation (true)
 * @param forceSslRedirect {@code force-ssl-redirect}: the default of the annotation (false)
 * @param noTlsRedirectLocations {@code no-tls-redirect-locations}: a route whose Ingress path
 *     starts with one of these is never redirected to HTTPS
 * @param allowlist {@code whitelist-source-range}: the allowlist of an Ingress without its own,
 *     or {@code null}: everyone
 * @param loadBalance {@code load-balance}: the balancer of an Ingress without the annotation,
 *     {@code round_robin} or {@code ewma}
 * @param globalAuth {@code global-auth-*}: the external auth of every route without its own
 *     {@code auth-url} whose Ingress does not opt out ({@code enable-global-auth}); a
 *     {@link dev.linnet.gateway.policy.Deny} when {@code global-auth-url} is unusable; {@code null}: none
 * @param noAuthLocations {@code no-auth-locations}: a route whose Ingress path starts with one of
 *     these skips basic, digest, external and global authentication
 * @param requestBuffering {@code proxy-request-buffering}: the default of the annotation (on)
 * @param serviceUpstream {@code service-upstream}: the default of the annotation (false)
 * @param relativeRedirects {@code relative-redirects}: redirect URLs stay relative on every Ingress
 *     (the annotation can only add it, annotations-spec.md §2.1)
 * @param denylist {@code denylist-source-range}: the deny list of an Ingress without its own, as
 *     written (an invalid entry makes every such Ingress answer 503), or {@code null}: none
 * @param rewrites {@code proxy-redirect-from}/{@code -to}, {@code proxy-cookie-domain}/{@code -path}:
 *     the value of each annotation an Ingress does not set (or sets to an invalid value)
 * @param http10 {@code proxy-http-version}: the default of the annotation, true for {@code 1.0}
 */
public record AnnotationDefaults(boolean sslRedirect, boolean forceSslRedirect, List<String> noTlsRedirectLocations,
        AccessList allowlist, String loadBalance, Policy globalAuth, List<String> noAuthLocations,
        boolean requestBuffering, boolean serviceUpstream, boolean relativeRedirects, String denylist,
        Rewrites rewrites, boolean http10) {

    /** ingress-nginx's default of both exemption lists: cert-manager's HTTP-01 solver paths. */
    public static final List<String> ACME_CHALLENGE = List.of("/.well-known/acme-challenge");

    /** ingress-nginx's built-in defaults (no ConfigMap). */
    public static final AnnotationDefaults DEFAULT = new AnnotationDefaults(true, false, ACME_CHALLENGE, null,
            "round_robin", null, ACME_CHALLENGE, true, false, false, null, Rewrites.OFF, false);

    /**
     * The Location and cookie rewriting defaults (annotations-spec.md §3.7), each a valid value of
     * its annotation; {@code off} leaves the header alone.
     */
    public record Rewrites(String redirectFrom, String redirectTo, String cookieDomain, String cookiePath) {

        /** ingress-nginx's defaults: nothing is rewritten. */
        public static final Rewrites OFF = new Rewrites("off", "off", "off", "off");

        public Rewrites {
            requireNonNull(redirectFrom, "redirectFrom");
            requireNonNull(redirectTo, "redirectTo");
            requireNonNull(cookieDomain, "cookieDomain");
            requireNonNull(cookiePath, "cookiePath");
        }
    }

    /** The defaults with ingress-nginx's values for the keys after {@code service-upstream}. */
    public AnnotationDefaults(boolean sslRedirect, boolean forceSslRedirect, List<String> noTlsRedirectLocations,
            AccessList allowlist, String loadBalance, Policy globalAuth, List<String> noAuthLocations,
            boolean requestBuffering, boolean serviceUpstream) {
        this(sslRedirect, forceSslRedirect, noTlsRedirectLocations, allowlist, loadBalance, globalAuth,
                noAuthLocations, requestBuffering, serviceUpstream, false, null, Rewrites.OFF, false);
    }

    /** The defaults without {@code proxy-request-buffering} and {@code service-upstream} (tests and older callers). */
    public AnnotationDefaults(boolean sslRedirect, boolean forceSslRedirect, List<String> noTlsRedirectLocations,
            AccessList allowlist, String loadBalance, Policy globalAuth, List<String> noAuthLocations) {
        this(sslRedirect, forceSslRedirect, noTlsRedirectLocations, allowlist, loadBalance, globalAuth,
                noAuthLocations, true, false);
    }

    public AnnotationDefaults {
        noTlsRedirectLocations = List.copyOf(noTlsRedirectLocations);
        requireNonNull(loadBalance, "loadBalance");
        noAuthLocations = List.copyOf(noAuthLocations);
        requireNonNull(rewrites, "rewrites");
    }

    /**
     * The policies of a route whose Ingress path is {@code path} (the path string as written,
     * ingress-nginx's {@code isLocationInLocationList}: a plain prefix test, so {@code /} is not
     * exempt for a request to {@code /.well-known/acme-challenge/x}).
     */
    public Policies forPath(Policies policies, String path) {
        Policies out = policies;
        if (startsWithAny(path, noAuthLocations)) {
            out = out.without(Step.BASIC_AUTH).without(Step.EXTERNAL_AUTH);
        }
        if (startsWithAny(path, noTlsRedirectLocations)) {
            out = out.without(Step.SSL_REDIRECT);
        }
        return out;
    }

    private static boolean startsWithAny(String path, List<String> prefixes) {
        for (String p : prefixes) {
            if (path.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
