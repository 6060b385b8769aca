package dev.linnet.controller.build;

import dev.linnet.controller.config.AnnotationDefaults;
import dev.linnet.controller.config.ConfigMapOptions;
import static java.util.Objects.requireNonNull;

import java.time.Clock;

/**
 * How the builder reads objects.
 *
 * @param annotationsPrefix {@code --annotations-prefix}, default {@code nginx.ingress.kubernetes.io}
 * @param ingressClass {@code --ingress-class}; {@code null} serves every Ingress (standalone
 *     mode without the flag)
 * @param controllerClass {@code --controller-class}: IngressClass objects with this
 *     {@code spec.controller} are ours
 * @param watchIngressWithoutClass {@code --watch-ingress-without-class}
 * @param defaultCertificate {@code --default-ssl-certificate} as {@code namespace/name}, or
 *     {@code null}: the HTTPS listener's self-signed certificate
 * @param clock what "now" is when certificates are checked for expiry (tests fix it)
 * @param serveIngressesWithSnippets {@code --serve-ingresses-with-snippets}: serve an Ingress
 *     with a {@code *-snippet} annotation without its snippet instead of not serving it
 * @param configMap the controller ConfigMap ({@code --configmap}) and the flags it sits under
 * @param defaults the annotation defaults the controller ConfigMap gives; set by the builder
 *     itself from {@code configMap} for each build ({@link RouteTableBuilder#build})
 * @param defaultBackendService {@code --default-backend-service} as {@code namespace/name}, or
 *     {@code null}: the built-in default backend (404) answers unmatched requests and listed errors
 * @param asIngressNginx build as ingress-nginx would, where Linnet differs on purpose, writing a
 *     {@link dev.linnet.controller.annotation.Deviation} note at each such place: only
 *     {@code linnet check} does, to compare the two tables
 */
public record BuildOptions(
        String annotationsPrefix,
        String ingressClass,
        String controllerClass,
        boolean watchIngressWithoutClass,
        String defaultCertificate,
        Clock clock,
        boolean serveIngressesWithSnippets,
        ConfigMapOptions configMap,
        AnnotationDefaults defaults,
        String defaultBackendService,
        boolean asIngressNginx) {

    public static final String DEFAULT_ANNOTATIONS_PREFIX = "nginx.ingress.kubernetes.io";
    public static final String DEFAULT_INGRESS_CLASS = "linnet";
    public static final String DEFAULT_CONTROLLER_CLASS = "linnet.dev/ingress-controller";

    public BuildOptions {
        requireNonNull(annotationsPrefix, "annotationsPrefix");
        requireNonNull(controllerClass, "controllerClass");
        requireNonNull(clock, "clock");
        requireNonNull(configMap, "configMap");
        requireNonNull(defaults, "defaults");
        if (defaultCertificate != null && defaultCertificate.split("/", -1).length != 2) {
            throw new IllegalArgumentException("defaultCertificate: " + defaultCertificate + " (expected: NAMESPACE/NAME)");
        }
        if (defaultBackendService != null && defaultBackendService.split("/", -1).length != 2) {
            throw new IllegalArgumentException("defaultBackendService: " + defaultBackendService
                    + " (expected: NAMESPACE/NAME)");
        }
    }

    /** Without {@code --default-backend-service}. */
    public BuildOptions(String annotationsPrefix, String ingressClass, String controllerClass,
            boolean watchIngressWithoutClass, String defaultCertificate, Clock clock, boolean serveIngressesWithSnippets,
            ConfigMapOptions configMap, AnnotationDefaults defaults) {
        this(annotationsPrefix, ingressClass, controllerClass, watchIngressWithoutClass, defaultCertificate, clock,
                serveIngressesWithSnippets, configMap, defaults, null, false);
    }

    /** With {@code --default-backend-service}, built as Linnet serves. */
    public BuildOptions(String annotationsPrefix, String ingressClass, String controllerClass,
            boolean watchIngressWithoutClass, String defaultCertificate, Clock clock, boolean serveIngressesWithSnippets,
            ConfigMapOptions configMap, AnnotationDefaults defaults, String defaultBackendService) {
        this(annotationsPrefix, ingressClass, controllerClass, watchIngressWithoutClass, defaultCertificate, clock,
                serveIngressesWithSnippets, configMap, defaults, defaultBackendService, false);
    }

    /** Without a default certificate, on the system clock. */
    public BuildOptions(String annotationsPrefix, String ingressClass, String controllerClass,
                        boolean watchIngressWithoutClass) {
        this(annotationsPrefix, ingressClass, controllerClass, watchIngressWithoutClass, null, Clock.systemUTC(),
                false, ConfigMapOptions.NONE, AnnotationDefaults.DEFAULT);
    }

    public BuildOptions withDefaultCertificate(String namespaceSlashName) {
        return new BuildOptions(annotationsPrefix, ingressClass, controllerClass, watchIngressWithoutClass,
                namespaceSlashName, clock, serveIngressesWithSnippets, configMap, defaults, defaultBackendService, asIngressNginx);
    }

    public BuildOptions withClock(Clock newClock) {
        return new BuildOptions(annotationsPrefix, ingressClass, controllerClass, watchIngressWithoutClass,
                defaultCertificate, newClock, serveIngressesWithSnippets, configMap, defaults, defaultBackendService, asIngressNginx);
    }

    public BuildOptions withServeIngressesWithSnippets(boolean serve) {
        return new BuildOptions(annotationsPrefix, ingressClass, controllerClass, watchIngressWithoutClass,
                defaultCertificate, clock, serve, configMap, defaults, defaultBackendService, asIngressNginx);
    }

    public BuildOptions withConfigMap(ConfigMapOptions options) {
        return new BuildOptions(annotationsPrefix, ingressClass, controllerClass, watchIngressWithoutClass,
                defaultCertificate, clock, serveIngressesWithSnippets, options, defaults, defaultBackendService, asIngressNginx);
    }

    public BuildOptions withDefaults(AnnotationDefaults newDefaults) {
        return new BuildOptions(annotationsPrefix, ingressClass, controllerClass, watchIngressWithoutClass,
                defaultCertificate, clock, serveIngressesWithSnippets, configMap, newDefaults, defaultBackendService, asIngressNginx);
    }

    public BuildOptions withDefaultBackendService(String namespaceSlashName) {
        return new BuildOptions(annotationsPrefix, ingressClass, controllerClass, watchIngressWithoutClass,
                defaultCertificate, clock, serveIngressesWithSnippets, configMap, defaults, namespaceSlashName, asIngressNginx);
    }

    /** These options for the build as ingress-nginx would do it ({@code linnet check}). */
    public BuildOptions asIngressNginxBuild() {
        return new BuildOptions(annotationsPrefix, ingressClass, controllerClass, watchIngressWithoutClass,
                defaultCertificate, clock, serveIngressesWithSnippets, configMap, defaults, defaultBackendService, true);
    }

    /** Standalone defaults: every Ingress is served, ingress-nginx's annotation prefix. */
    public static BuildOptions serveAll() {
        return new BuildOptions(DEFAULT_ANNOTATIONS_PREFIX, null, DEFAULT_CONTROLLER_CLASS, true);
    }
}
