package dev.linnet.controller.source;

import static java.util.Objects.requireNonNull;

import dev.linnet.controller.build.BuildOptions;
import dev.linnet.controller.build.ClusterState;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster mode's {@link Source}: fabric8 informers on the API server.
 *
 * <pre>
 *   API server ─list+watch─▶ informer (one per kind and namespace scope; its own cache)
 *                               │ add / update / delete, on the informer's thread
 *                               ▼
 *                           Relevance ── irrelevant ─▶ dropped
 *                               │ relevant
 *                               ▼
 *                           onChange  (= ControlLoop.signal(): enqueue only)
 *
 *   loop thread: hasSynced()? ─▶ snapshot() = copies of the informers' caches ─▶ build
 * </pre>
 *
 * The informers are {@link SharedIndexInformer}s made through the client's DSL rather than
 * {@code client.informers()} (a {@code SharedInformerFactory}): the factory cannot scope an
 * informer by field selector (no Helm release Secrets) nor give each namespace of
 * {@code --watch-namespace} its own informer. fabric8 reconnects dropped watches and relists
 * after a 410 Gone by itself; the caches keep their last content meanwhile, so an unreachable
 * API server leaves the last table serving.
 *
 * <p>EndpointSlice churn rebuilds the whole table: the build is a pure function of the
 * snapshot and cheap (see ClusterSourceBuildTimeTest: about 1k Ingresses in tens of ms), and
 * the coalescing of the loop folds a rolling update's burst into a few builds. Patching
 * endpoints into the published table in place is left for when a measurement asks for it.
 */
public final class ClusterSource implements Source {

    private static final Logger logger = LoggerFactory.getLogger(ClusterSource.class);

    /**
     * Secret types no Ingress can name usefully and that clusters hold many of, large ones (a Helm
     * release keeps every revision's gzipped manifest): the API server's field selector keeps them
     * out of the informer's cache. Any other type may be named by {@code spec.tls} or by an
     * {@code auth-secret} / {@code auth-tls-secret} annotation (an auth file is usually Opaque), so
     * it is watched and {@link Relevance} decides whether an event matters.
     */
    static final List<String> UNWATCHED_SECRET_TYPES = List.of("helm.sh/release.v1",
            "kubernetes.io/service-account-token");

    private final KubernetesClient client;
    private final List<String> namespaces;
    private final boolean watchSecrets;
    private final Relevance relevance;

    private final List<SharedIndexInformer<Ingress>> ingresses = new CopyOnWriteArrayList<>();
    private final List<SharedIndexInformer<IngressClass>> ingressClasses = new CopyOnWriteArrayList<>();
    private final List<SharedIndexInformer<Service>> services = new CopyOnWriteArrayList<>();
    private final List<SharedIndexInformer<EndpointSlice>> endpointSlices = new CopyOnWriteArrayList<>();
    private final List<SharedIndexInformer<Secret>> secrets = new CopyOnWriteArrayList<>();
    private final List<Forbidden> secretAccess = new CopyOnWriteArrayList<>(); // one per Secret informer
    private final List<SharedIndexInformer<ConfigMap>> configMaps = new CopyOnWriteArrayList<>();
    private final List<Forbidden> configMapAccess = new CopyOnWriteArrayList<>(); // one per ConfigMap informer
    private final List<SharedIndexInformer<?>> all = new CopyOnWriteArrayList<>();
    private final String controllerConfigMapNamespace; // --configmap's, or null
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean synced = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private ClusterSource(KubernetesClient client, List<String> namespaces, BuildOptions options, boolean watchSecrets) {
        this.client = requireNonNull(client, "client");
        this.namespaces = List.copyOf(requireNonNull(namespaces, "namespaces"));
        this.watchSecrets = watchSecrets;
        this.controllerConfigMapNamespace = options.configMap().namespace();
        this.relevance = new Relevance(requireNonNull(options, "options"),
                () -> list(ingresses), () -> list(ingressClasses));
    }

    /**
     * @param client the API server connection (the caller owns and closes it)
     * @param namespaces {@code --watch-namespace}: the namespaces to watch; empty means all
     * @param options the class rules, so that events of other classes' Ingresses do not signal
     */
    public static ClusterSource create(KubernetesClient client, List<String> namespaces, BuildOptions options) {
        return new ClusterSource(client, namespaces, options, true);
    }

    /** Without the Secret informer: for callers with no RBAC on Secrets (and no TLS yet). */
    public static ClusterSource withoutSecrets(KubernetesClient client, List<String> namespaces, BuildOptions options) {
        return new ClusterSource(client, namespaces, options, false);
    }

    @Override
    public void start(Runnable onChange) {
        requireNonNull(onChange, "onChange");
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        // IngressClass is cluster-scoped: one informer whatever the namespace scope.
        add(ingressClasses, client.network().v1().ingressClasses(), ClusterRbac.INGRESS_CLASSES, "all namespaces",
                relevance::ingressClass, onChange);
        for (String ns : scopes()) {
            String where = ns == null ? "all namespaces" : "namespace " + ns;
            add(ingresses, ns == null ? client.network().v1().ingresses().inAnyNamespace()
                    : client.network().v1().ingresses().inNamespace(ns), ClusterRbac.INGRESSES, where,
                    relevance::ingress, onChange);
            add(services, ns == null ? client.services().inAnyNamespace() : client.services().inNamespace(ns),
                    ClusterRbac.SERVICES, where, relevance::service, onChange);
            add(endpointSlices, ns == null ? client.discovery().v1().endpointSlices().inAnyNamespace()
                    : client.discovery().v1().endpointSlices().inNamespace(ns), ClusterRbac.ENDPOINT_SLICES, where,
                    relevance::endpointSlice, onChange);
            if (watchSecrets) {
                io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable<Secret, ?, ?> dsl =
                        ns == null ? client.secrets().inAnyNamespace() : client.secrets().inNamespace(ns);
                for (String type : UNWATCHED_SECRET_TYPES) {
                    dsl = dsl.withoutField("type", type);
                }
                add(secrets, dsl, ClusterRbac.SECRETS, where, relevance::secret, onChange);
            }
            add(configMaps, ns == null ? client.configMaps().inAnyNamespace() : client.configMaps().inNamespace(ns),
                    ClusterRbac.CONFIG_MAPS, where, relevance::configMap, onChange);
        }
        String controllerNs = controllerConfigMapNamespace;
        if (controllerNs != null && !namespaces.isEmpty() && !namespaces.contains(controllerNs)) {
            // --configmap outside the watched namespaces: its namespace's ConfigMaps too (it, and
            // the proxy-set-headers / add-headers ConfigMaps it names, which usually live beside it)
            add(configMaps, client.configMaps().inNamespace(controllerNs), ClusterRbac.CONFIG_MAPS,
                    "namespace " + controllerNs + " (--configmap)", relevance::configMap, onChange);
        }
        logger.info("watching Ingresses, IngressClasses, Services, EndpointSlices, ConfigMaps{} in {}",
                watchSecrets ? ", Secrets" : "", namespaces.isEmpty() ? "all namespaces" : namespaces);
    }

    private List<String> scopes() {
        if (namespaces.isEmpty()) {
            List<String> any = new ArrayList<>();
            any.add(null);
            return any;
        }
        return namespaces;
    }

    private <T extends HasMetadata> void add(List<SharedIndexInformer<T>> into, Informable<T> dsl, ClusterRbac.Rule rule,
                                             String where, BiPredicate<T, T> relevant, Runnable onChange) {
        SharedIndexInformer<T> informer = dsl.runnableInformer(0);
        informer.addEventHandler(new Handler<>(relevant, onChange));
        Runnable checkSync = () -> {
            if (hasSynced() && synced.compareAndSet(false, true)) {
                // The loop drops signals that come before the initial sync; this one builds.
                logger.info("initial sync complete: {} Ingress(es), {} Service(s), {} EndpointSlice(s)",
                        list(ingresses).size(), list(services).size(), list(endpointSlices).size());
                onChange.run();
            }
        };
        Forbidden access = new Forbidden(rule, where, checkSync);
        informer.exceptionHandler(access);
        if (rule == ClusterRbac.SECRETS) {
            secretAccess.add(access);
        } else if (rule == ClusterRbac.CONFIG_MAPS) {
            configMapAccess.add(access);
        }
        into.add(informer);
        all.add(informer);
        informer.start().whenComplete((ok, failure) -> {
            if (failure != null && !closed.get()) {
                logger.error("informer for {} in {} stopped: {}", rule.display(), where, failure.toString());
            } else {
                checkSync.run();
            }
        });
    }

    /**
     * Whether every informer the table is built from has synced. The Secret informers are waited
     * for too (else the first table would serve every TLS host with the default certificate and
     * post a "Secret not found" Event for each), except once the API server refused them: a
     * cluster that grants no access to Secrets must still get its routes. The same for ConfigMaps
     * (an older chart's ClusterRole lacks them).
     */
    @Override
    public boolean hasSynced() {
        if (!started.get()) {
            return false;
        }
        for (List<? extends SharedIndexInformer<?>> kind : List.of(ingresses, ingressClasses, services, endpointSlices)) {
            if (kind.isEmpty()) {
                return false;
            }
            for (SharedIndexInformer<?> i : kind) {
                if (!i.hasSynced()) {
                    return false;
                }
            }
        }
        for (int i = 0; i < secrets.size() && i < secretAccess.size(); i++) {
            if (!secrets.get(i).hasSynced() && !secretAccess.get(i).denied()) {
                return false;
            }
        }
        for (int i = 0; i < configMaps.size() && i < configMapAccess.size(); i++) {
            if (!configMaps.get(i).hasSynced() && !configMapAccess.get(i).denied()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public ClusterState snapshot() {
        return new ClusterState(list(ingresses), list(ingressClasses), list(services), list(endpointSlices), List.of(),
                list(secrets), list(configMaps));
    }

    /** The Secrets seen (every type but {@link #UNWATCHED_SECRET_TYPES}); the snapshot carries them to the builder. */
    public List<Secret> secrets() {
        return list(secrets);
    }

    /** {@code ingress} as the informer caches it now (status included), or null once deleted. */
    public Ingress current(Ingress ingress) {
        String key = ingress.getMetadata().getNamespace() + '/' + ingress.getMetadata().getName();
        for (SharedIndexInformer<Ingress> i : ingresses) {
            Ingress found = i.getStore().getByKey(key);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** Whether {@code ingress} is served by this controller, by the builder's class rules. */
    public boolean isOurs(Ingress ingress) {
        return relevance.isOurs(ingress);
    }

    @Override
    public void close() {
        closed.set(true);
        for (SharedIndexInformer<?> i : all) {
            try {
                i.stop();
            } catch (RuntimeException e) {
                logger.debug("stopping an informer failed", e);
            }
        }
    }

    private static <T> List<T> list(List<SharedIndexInformer<T>> informers) {
        if (informers.size() == 1) {
            return informers.get(0).getStore().list();
        }
        List<T> out = new ArrayList<>();
        informers.forEach(i -> out.addAll(i.getStore().list()));
        return out;
    }

    /** Calls the listener for relevant events only; never builds, never blocks. */
    private static final class Handler<T> implements ResourceEventHandler<T> {

        private final BiPredicate<T, T> relevant;
        private final Runnable onChange;

        Handler(BiPredicate<T, T> relevant, Runnable onChange) {
            this.relevant = relevant;
            this.onChange = onChange;
        }

        @Override
        public void onAdd(T obj) {
            signalIf(null, obj);
        }

        @Override
        public void onUpdate(T oldObj, T newObj) {
            signalIf(oldObj, newObj);
        }

        @Override
        public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            signalIf(obj, null);
        }

        private void signalIf(T oldObj, T newObj) {
            boolean signal;
            try {
                signal = relevant.test(oldObj, newObj);
            } catch (RuntimeException e) {
                logger.debug("relevance check failed; rebuilding to be safe", e);
                signal = true;
            }
            if (signal) {
                onChange.run();
            }
        }
    }

    /**
     * fabric8 asks this whether to retry after a list/watch failure. A 403 is logged once, as
     * one line naming the verb and resource to grant, then retried quietly with fabric8's
     * backoff so that granting the permission heals the controller without a restart. Other
     * failures (API server unreachable, 410 Gone) are fabric8's normal reconnect path.
     */
    private static final class Forbidden implements io.fabric8.kubernetes.client.informers.ExceptionHandler {

        private final ClusterRbac.Rule rule;
        private final String where;
        private final AtomicBoolean reported = new AtomicBoolean();
        private final Runnable onDenied;

        Forbidden(ClusterRbac.Rule rule, String where, Runnable onDenied) {
            this.rule = rule;
            this.where = where;
            this.onDenied = onDenied;
        }

        /** Whether the API server refused this informer (RBAC); it keeps retrying meanwhile. */
        boolean denied() {
            return reported.get();
        }

        @Override
        public boolean retryAfterException(boolean isStarted, Throwable t) {
            KubernetesClientException k = find(t);
            if (k != null && (k.getCode() == 403 || k.getCode() == 401)) {
                if (reported.compareAndSet(false, true)) {
                    // An informer needs exactly list and watch; ClusterRbac has the full rule.
                    logger.error("cannot list {} in {}: {} (RBAC: grant list,watch); retrying",
                            rule.display(), where, k.getCode() == 403 ? "forbidden" : "unauthorized");
                    onDenied.run(); // a refused Secret informer no longer holds the initial sync back
                } else {
                    logger.debug("still cannot list {} in {}", rule.display(), where);
                }
                return true;
            }
            if (io.fabric8.kubernetes.client.informers.ExceptionHandler.isDeserializationException(t)) {
                logger.error("cannot read {} from the API server: {}", rule.display(), t.toString());
                return false;
            }
            logger.warn("{} in {}: {}; retrying", rule.display(), where, t.toString());
            return true;
        }

        private static KubernetesClientException find(Throwable t) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                if (c instanceof KubernetesClientException k) {
                    return k;
                }
            }
            return null;
        }
    }
}
