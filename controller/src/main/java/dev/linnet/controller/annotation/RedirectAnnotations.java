package dev.linnet.controller.annotation;

import dev.linnet.controller.config.AnnotationDefaults;
import dev.linnet.gateway.policy.SslRedirect;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code ssl-redirect}, {@code force-ssl-redirect} and {@code preserve-trailing-slash}: the
 * {@link SslRedirect} policy of a main Ingress's routes (none when both redirects are off).
 */
public final class RedirectAnnotations {

    public static final AnnotationKey<Boolean> SSL_REDIRECT = AnnotationKey.prefixed(
            "ssl-redirect", ValueType.BOOL, true,
            "redirect plain HTTP to HTTPS when the host has TLS");
    public static final AnnotationKey<Boolean> FORCE_SSL_REDIRECT = AnnotationKey.prefixed(
            "force-ssl-redirect", ValueType.BOOL, false,
            "redirect plain HTTP to HTTPS even when the host has no TLS");
    public static final AnnotationKey<Boolean> PRESERVE_TRAILING_SLASH = AnnotationKey.prefixed(
            "preserve-trailing-slash", ValueType.BOOL, false,
            "keep a trailing slash in the HTTPS redirect's Location (by default it is dropped)");

    public static final List<AnnotationKey<?>> KEYS = List.of(SSL_REDIRECT, FORCE_SSL_REDIRECT, PRESERVE_TRAILING_SLASH);

    private RedirectAnnotations() {
    }

    /**
     * The redirect policy, or {@code null} when neither redirect is on; an Ingress without the
     * annotations gets the ConfigMap's {@code ssl-redirect} and {@code force-ssl-redirect}.
     */
    public static SslRedirect parse(Map<String, String> annotations, String prefix, Consumer<String> warnings,
            AnnotationDefaults defaults) {
        boolean sslRedirect = SSL_REDIRECT.read(annotations, prefix, warnings, defaults.sslRedirect());
        boolean force = FORCE_SSL_REDIRECT.read(annotations, prefix, warnings, defaults.forceSslRedirect());
        boolean preserve = PRESERVE_TRAILING_SLASH.read(annotations, prefix, warnings);
        if (!sslRedirect && !force) {
            return null;
        }
        SslRedirect redirect = new SslRedirect(sslRedirect, force, preserve);
        return redirect.equals(SslRedirect.DEFAULT) ? SslRedirect.DEFAULT : redirect;
    }
}
