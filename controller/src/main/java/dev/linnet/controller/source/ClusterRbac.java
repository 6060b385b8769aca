package dev.linnet.controller.source;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Every Kubernetes API permission the in-cluster controller uses, declared once. The informers
 * name their resource from here in the log line they print when RBAC refuses them, and the Helm
 * chart's ClusterRole is meant to be derived from {@link #RULES} (one rule per entry).
 */
public final class ClusterRbac {

    /** One ClusterRole rule: {@code apiGroups: [group]}, {@code resources: [resource]}, {@code verbs}. */
    public record Rule(String group, String version, String resource, List<String> verbs) {

        public Rule {
            requireNonNull(group, "group");
            requireNonNull(version, "version");
            requireNonNull(resource, "resource");
            verbs = List.copyOf(verbs);
        }

        /** {@code networking.k8s.io/v1 ingresses}, or {@code v1 services} for the core group. */
        public String display() {
            return (group.isEmpty() ? version : group + '/' + version) + ' ' + resource;
        }
    }

    public static final Rule INGRESSES = new Rule("networking.k8s.io", "v1", "ingresses", List.of("get", "list", "watch"));
    public static final Rule INGRESS_STATUS = new Rule("networking.k8s.io", "v1", "ingresses/status",
            List.of("get", "patch", "update"));
    public static final Rule INGRESS_CLASSES = new Rule("networking.k8s.io", "v1", "ingressclasses",
            List.of("get", "list", "watch"));
    public static final Rule SERVICES = new Rule("", "v1", "services", List.of("get", "list", "watch"));
    public static final Rule ENDPOINT_SLICES = new Rule("discovery.k8s.io", "v1", "endpointslices",
            List.of("get", "list", "watch"));
    /** TLS Secrets only (field selector {@code type=kubernetes.io/tls}): spec.tls and --default-ssl-certificate. */
    public static final Rule SECRETS = new Rule("", "v1", "secrets", List.of("get", "list", "watch"));
    /** ConfigMaps an Ingress names ({@code auth-proxy-set-headers}: headers of the auth subrequest). */
    public static final Rule CONFIG_MAPS = new Rule("", "v1", "configmaps", List.of("get", "list", "watch"));
    /** Leader election (--election-id), in the pod's namespace. */
    public static final Rule LEASES = new Rule("coordination.k8s.io", "v1", "leases", List.of("get", "create", "update"));
    /** Configuration warnings posted on Ingresses. */
    public static final Rule EVENTS = new Rule("", "v1", "events", List.of("create", "patch"));

    /** Everything, in ClusterRole order. */
    public static final List<Rule> RULES = List.of(INGRESSES, INGRESS_STATUS, INGRESS_CLASSES, SERVICES,
            ENDPOINT_SLICES, SECRETS, CONFIG_MAPS, LEASES, EVENTS);

    private ClusterRbac() {
    }
}
