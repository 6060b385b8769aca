package dev.linnet.controller.source;

import static java.util.Objects.requireNonNull;

import dev.linnet.controller.build.BuildOptions;
import dev.linnet.controller.build.IngressClassFilter;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import dev.linnet.controller.annotation.ErrorAnnotations;
import dev.linnet.controller.annotation.ExternalAuthAnnotations;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressSpec;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Decides whether an informer event can change the routing table (issue 3, item 1): only those
 * signal the control loop. Everything else — status-only updates (our own status writes come
 * back as events!), periodic resyncs, Ingresses of another class, Services and EndpointSlices no
 * Ingress of ours references — is dropped here. Being wrong in the "relevant" direction costs one
 * cheap rebuild; being wrong in the other loses an update, so every rule errs towards relevant.
 *
 * <pre>
 *   Ingress        added/deleted: ours?   updated: metadata/spec changed (not status,
 *                                         resourceVersion, managedFields) and old or new ours?
 *   IngressClass   always (rare; may change which Ingresses are ours)
 *   Service        spec changed and referenced by an Ingress of ours (a backend, default-backend),
 *                  or --default-backend-service
 *   EndpointSlice  endpoints/ports changed and its kubernetes.io/service-name is referenced
 *   Secret         data or type changed and named in spec.tls or an auth-secret / auth-tls-secret
 *                  annotation of an Ingress of ours, or --default-ssl-certificate
 *   ConfigMap      data changed and named by an Ingress of ours (auth-proxy-set-headers), or the
 *                  controller ConfigMap (--configmap), or one that ConfigMap names
 *                  (proxy-set-headers, add-headers)
 * </pre>
 *
 * References are recomputed lazily after an Ingress or IngressClass event, so a burst of
 * EndpointSlice churn costs a set lookup per event.
 */
final class Relevance {

    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    /** Annotations (under the prefix) whose value names a Secret of the Ingress's namespace. */
    static final List<String> SECRET_ANNOTATIONS = List.of("auth-secret", "auth-tls-secret");

    private final BuildOptions options;
    private final Supplier<List<Ingress>> ingresses;
    private final Supplier<List<IngressClass>> classes;

    private final Object lock = new Object();
    private boolean dirty = true;
    private IngressClassFilter filter;
    private Set<String> services = Set.of();
    private Set<String> secrets = Set.of();
    private Set<String> configMaps = Set.of();
    private Set<String> controllerReferences = Set.of(); // named by the controller ConfigMap, as last seen

    /** Keys of the controller ConfigMap whose value names another ConfigMap ({@code namespace/name}). */
    static final List<String> CONFIG_MAP_REFERENCES = List.of("proxy-set-headers", "add-headers");

    Relevance(BuildOptions options, Supplier<List<Ingress>> ingresses, Supplier<List<IngressClass>> classes) {
        this.options = requireNonNull(options, "options");
        this.ingresses = requireNonNull(ingresses, "ingresses");
        this.classes = requireNonNull(classes, "classes");
    }

    boolean ingress(Ingress oldObj, Ingress newObj) {
        boolean relevant;
        if (oldObj != null && newObj != null && sameMetaAndSpec(oldObj, newObj)) {
            relevant = false; // status-only or a resync
        } else {
            relevant = oldObj != null && isOurs(oldObj) || newObj != null && isOurs(newObj);
        }
        invalidate(); // even an irrelevant Ingress may be read for references: recompute cheaply later
        return relevant;
    }

    boolean ingressClass(IngressClass oldObj, IngressClass newObj) {
        if (oldObj != null && newObj != null && Objects.equals(oldObj.getSpec(), newObj.getSpec())
                && sameLabelsAndAnnotations(oldObj, newObj)) {
            return false;
        }
        invalidate();
        return true;
    }

    boolean service(Service oldObj, Service newObj) {
        if (oldObj != null && newObj != null && Objects.equals(oldObj.getSpec(), newObj.getSpec())) {
            return false; // status (load balancer address) or a resync: the table never reads it
        }
        return referencedServices().contains(key(newObj != null ? newObj : oldObj));
    }

    boolean endpointSlice(EndpointSlice oldObj, EndpointSlice newObj) {
        if (oldObj != null && newObj != null && Objects.equals(oldObj.getEndpoints(), newObj.getEndpoints())
                && Objects.equals(oldObj.getPorts(), newObj.getPorts())
                && Objects.equals(labels(oldObj).get(SERVICE_NAME_LABEL), labels(newObj).get(SERVICE_NAME_LABEL))) {
            return false;
        }
        Set<String> referenced = referencedServices();
        return oldObj != null && referenced.contains(sliceService(oldObj))
                || newObj != null && referenced.contains(sliceService(newObj));
    }

    boolean secret(Secret oldObj, Secret newObj) {
        if (oldObj != null && newObj != null && Objects.equals(oldObj.getData(), newObj.getData())
                && Objects.equals(oldObj.getStringData(), newObj.getStringData())
                && Objects.equals(oldObj.getType(), newObj.getType())) {
            return false;
        }
        synchronized (lock) {
            refresh();
            String key = key(newObj != null ? newObj : oldObj);
            return secrets.contains(key) || key.equals(options.defaultCertificate());
        }
    }

    boolean configMap(ConfigMap oldObj, ConfigMap newObj) {
        if (oldObj != null && newObj != null && Objects.equals(oldObj.getData(), newObj.getData())) {
            return false;
        }
        String key = key(newObj != null ? newObj : oldObj);
        synchronized (lock) {
            if (key.equals(options.configMap().ref())) {
                controllerReferences = references(newObj);
                return true;
            }
            refresh();
            return configMaps.contains(key) || controllerReferences.contains(key);
        }
    }

    private static Set<String> references(ConfigMap controller) {
        if (controller == null || controller.getData() == null) {
            return Set.of();
        }
        Set<String> out = new HashSet<>();
        for (String k : CONFIG_MAP_REFERENCES) {
            String v = controller.getData().get(k);
            if (v != null) {
                out.add(v.strip());
            }
        }
        return Set.copyOf(out);
    }

    /** The Ingresses of ours among {@code all}, by the builder's rules and the current IngressClasses. */
    boolean isOurs(Ingress ingress) {
        synchronized (lock) {
            refresh();
            return filter.isOurs(ingress);
        }
    }

    private Set<String> referencedServices() {
        synchronized (lock) {
            refresh();
            return services;
        }
    }

    private void invalidate() {
        synchronized (lock) {
            dirty = true;
        }
    }

    private void refresh() {
        if (!dirty) {
            return;
        }
        dirty = false;
        filter = new IngressClassFilter(options, classes.get());
        Set<String> svc = new HashSet<>();
        Set<String> sec = new HashSet<>();
        Set<String> cms = new HashSet<>();
        String proxySetHeaders = ExternalAuthAnnotations.PROXY_SET_HEADERS.fullName(options.annotationsPrefix());
        String defaultBackend = ErrorAnnotations.DEFAULT_BACKEND.fullName(options.annotationsPrefix());
        if (options.defaultBackendService() != null) {
            svc.add(options.defaultBackendService());
        }
        for (Ingress i : ingresses.get()) {
            if (!filter.isOurs(i) || i.getSpec() == null) {
                continue;
            }
            String ns = i.getMetadata().getNamespace();
            String named = i.getMetadata().getAnnotations() == null ? null
                    : i.getMetadata().getAnnotations().get(proxySetHeaders);
            if (named != null) {
                cms.add(named.strip()); // ns/name; a bare name is never found (DENY), as in ingress-nginx
            }
            IngressSpec spec = i.getSpec();
            addService(ns, spec.getDefaultBackend(), svc);
            if (spec.getRules() != null) {
                spec.getRules().forEach(r -> {
                    if (r.getHttp() != null && r.getHttp().getPaths() != null) {
                        r.getHttp().getPaths().forEach(p -> addService(ns, p.getBackend(), svc));
                    }
                });
            }
            addAnnotatedSecrets(ns, i.getMetadata().getAnnotations(), sec);
            String errorBackend = i.getMetadata().getAnnotations() == null ? null
                    : i.getMetadata().getAnnotations().get(defaultBackend);
            if (errorBackend != null && !errorBackend.isBlank()) {
                svc.add(ns + '/' + errorBackend.strip());
            }
            if (spec.getTls() != null) {
                for (IngressTLS tls : spec.getTls()) {
                    if (tls.getSecretName() != null) {
                        sec.add(ns + '/' + tls.getSecretName());
                    }
                }
            }
        }
        services = Set.copyOf(svc);
        secrets = Set.copyOf(sec);
        configMaps = Set.copyOf(cms);
    }

    /**
     * The Secrets an Ingress's annotations name ({@code name} or {@code namespace/name}), whatever
     * the builder will think of the value: erring towards relevant costs one rebuild at most.
     */
    private void addAnnotatedSecrets(String ns, Map<String, String> annotations, Set<String> out) {
        if (annotations == null) {
            return;
        }
        for (String key : SECRET_ANNOTATIONS) {
            String value = annotations.get(options.annotationsPrefix() + '/' + key);
            if (value != null && !value.isBlank()) {
                String v = value.strip();
                out.add(v.indexOf('/') >= 0 ? v : ns + '/' + v);
            }
        }
    }

    private static void addService(String ns, IngressBackend backend, Set<String> out) {
        if (backend != null && backend.getService() != null && backend.getService().getName() != null) {
            out.add(ns + '/' + backend.getService().getName());
        }
    }

    private static boolean sameMetaAndSpec(Ingress a, Ingress b) {
        return Objects.equals(a.getSpec(), b.getSpec()) && sameLabelsAndAnnotations(a, b)
                && Objects.equals(a.getMetadata().getGeneration(), b.getMetadata().getGeneration())
                && Objects.equals(a.getMetadata().getDeletionTimestamp(), b.getMetadata().getDeletionTimestamp());
    }

    private static boolean sameLabelsAndAnnotations(HasMetadata a, HasMetadata b) {
        ObjectMeta x = a.getMetadata();
        ObjectMeta y = b.getMetadata();
        return Objects.equals(nonNull(x.getAnnotations()), nonNull(y.getAnnotations()))
                && Objects.equals(nonNull(x.getLabels()), nonNull(y.getLabels()));
    }

    private static Map<String, String> nonNull(Map<String, String> m) {
        return m == null ? Map.of() : m;
    }

    private static Map<String, String> labels(HasMetadata o) {
        return nonNull(o.getMetadata().getLabels());
    }

    private static String sliceService(EndpointSlice slice) {
        return slice.getMetadata().getNamespace() + '/' + labels(slice).get(SERVICE_NAME_LABEL);
    }

    private static String key(HasMetadata o) {
        return o.getMetadata().getNamespace() + '/' + o.getMetadata().getName();
    }
}
