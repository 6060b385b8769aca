package dev.linnet.controller.build;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLSBuilder;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPathBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackendBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRuleBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tiny fixtures for builder tests, in Contour's style:
 * {@code ingress("ns/name").host("foo").path("/info").backend("svc", 80)}.
 */
final class Fixtures {

    static final String PREFIX = BuildOptions.DEFAULT_ANNOTATIONS_PREFIX;
    static final int TARGET_PORT = 8080;

    private Fixtures() {
    }

    static IngressFixture ingress(String nsName) {
        return new IngressFixture(nsName);
    }

    /** A Service port 80 named "http" → targetPort 8080, and one EndpointSlice with these ready addresses. */
    static List<Object> svc(String nsName, String... readyAddresses) {
        return svc(nsName, 80, readyAddresses);
    }

    static List<Object> svc(String nsName, int port, String... readyAddresses) {
        String[] n = split(nsName);
        Service service = new ServiceBuilder().withNewMetadata().withNamespace(n[0]).withName(n[1]).endMetadata()
                .withNewSpec().withPorts(new ServicePortBuilder().withName("http").withPort(port)
                        .withTargetPort(new IntOrString(TARGET_PORT)).build())
                .endSpec().build();
        SliceFixture slice = slice(n[0] + "/" + n[1] + "-abc", n[1]).port("http", TARGET_PORT);
        for (String a : readyAddresses) {
            slice.endpoint(a, null, null);
        }
        return List.of(service, slice.build());
    }

    static SliceFixture slice(String nsName, String service) {
        return new SliceFixture(nsName, service);
    }

    static Endpoints endpoints(String nsName, String portName, int port, List<String> ready, List<String> notReady) {
        String[] n = split(nsName);
        return new EndpointsBuilder().withNewMetadata().withNamespace(n[0]).withName(n[1]).endMetadata()
                .addNewSubset()
                .withPorts(new EndpointPortBuilder().withName(portName).withPort(port).build())
                .withAddresses(ready.stream().map(a -> new EndpointAddressBuilder().withIp(a).build()).toList())
                .withNotReadyAddresses(notReady.stream().map(a -> new EndpointAddressBuilder().withIp(a).build()).toList())
                .endSubset().build();
    }

    static IngressClass ingressClass(String name, String controller, boolean isDefault) {
        IngressClassBuilder b = new IngressClassBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withController(controller).endSpec();
        if (isDefault) {
            b.editMetadata().addToAnnotations("ingressclass.kubernetes.io/is-default-class", "true").endMetadata();
        }
        return b.build();
    }

    /** A ClusterState of these objects; fixtures are built, lists flattened. */
    static ClusterState state(Object... objects) {
        List<Object> flat = new ArrayList<>();
        flatten(List.of(objects), flat);
        List<HasMetadata> objs = new ArrayList<>();
        for (Object o : flat) {
            if (!(o instanceof HasMetadata h)) {
                throw new IllegalArgumentException("not a cluster object: " + o);
            }
            objs.add(h);
        }
        return ClusterState.of(objs);
    }

    /** Every object of a state, for shuffling. */
    static List<Object> objects(ClusterState s) {
        List<Object> all = new ArrayList<>();
        all.addAll(s.ingresses());
        all.addAll(s.ingressClasses());
        all.addAll(s.services());
        all.addAll(s.endpointSlices());
        all.addAll(s.endpoints());
        all.addAll(s.secrets());
        return all;
    }

    /** A {@code kubernetes.io/tls} Secret holding {@code cert} (base64 in {@code data}, as the API server returns it). */
    static Secret tlsSecret(String nsName, dev.linnet.gateway.testing.TestCertificates.Issued cert) {
        return tlsSecret(nsName, "kubernetes.io/tls", cert.certificatePem(), cert.keyPem());
    }

    static Secret tlsSecret(String nsName, String type, String certificatePem, String keyPem) {
        String[] n = split(nsName);
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        return new SecretBuilder().withNewMetadata().withNamespace(n[0]).withName(n[1]).endMetadata()
                .withType(type)
                .addToData("tls.crt", b64.encodeToString(certificatePem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .addToData("tls.key", b64.encodeToString(keyPem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .build();
    }

    static BuildResult build(Object... objects) {
        return RouteTableBuilder.build(state(objects), BuildOptions.serveAll());
    }

    private static void flatten(List<?> in, List<Object> out) {
        for (Object o : in) {
            if (o instanceof List<?> l) {
                flatten(l, out);
            } else if (o instanceof IngressFixture f) {
                out.add(f.build());
            } else if (o instanceof SliceFixture f) {
                out.add(f.build());
            } else {
                out.add(o);
            }
        }
    }

    static String[] split(String nsName) {
        int slash = nsName.indexOf('/');
        return new String[] {nsName.substring(0, slash), nsName.substring(slash + 1)};
    }

    static IngressBackend serviceBackend(String service, Object port) {
        IngressBackendBuilder b = new IngressBackendBuilder();
        if (port instanceof Integer n) {
            return b.withNewService().withName(service).withNewPort().withNumber(n).endPort().endService().build();
        }
        return b.withNewService().withName(service).withNewPort().withName((String) port).endPort().endService().build();
    }

    static final class IngressFixture {
        private final String namespace;
        private final String name;
        private final Map<String, String> annotations = new LinkedHashMap<>();
        private final List<Object[]> rules = new ArrayList<>(); // {host, List<HTTPIngressPath>|null}
        private String created;
        private String className;
        private IngressBackend defaultBackend;
        private HTTPIngressPathBuilder current;
        private final List<IngressTLS> tls = new ArrayList<>();

        IngressFixture(String nsName) {
            String[] n = split(nsName);
            this.namespace = n[0];
            this.name = n[1];
        }

        IngressFixture created(String rfc3339) {
            this.created = rfc3339;
            return this;
        }

        IngressFixture className(String c) {
            this.className = c;
            return this;
        }

        IngressFixture annotation(String key, String value) {
            annotations.put(key, value);
            return this;
        }

        /** A canary annotation under the default prefix, e.g. {@code canary("canary-weight", "10")}. */
        IngressFixture canary(String key, String value) {
            return annotation(PREFIX + "/" + key, value);
        }

        /** {@code canary: "true"}. */
        IngressFixture canary() {
            return canary("canary", "true");
        }

        /** Starts a rule for {@code host} ({@code null}: no host). */
        IngressFixture host(String host) {
            flushPath();
            rules.add(new Object[] {host, new ArrayList<HTTPIngressPath>()});
            return this;
        }

        /** A rule with a host and no {@code http} block. */
        IngressFixture hostWithoutHttp(String host) {
            flushPath();
            rules.add(new Object[] {host, null});
            return this;
        }

        IngressFixture path(String path) {
            return path(path, "Prefix");
        }

        IngressFixture path(String path, String pathType) {
            flushPath();
            if (rules.isEmpty()) {
                host(null);
            }
            current = new HTTPIngressPathBuilder().withPath(path).withPathType(pathType);
            return this;
        }

        IngressFixture backend(String service, Object port) {
            current.withBackend(serviceBackend(service, port));
            return this;
        }

        /** A {@code spec.tls} entry ({@code secretName} may be null). */
        IngressFixture tls(String secretName, String... hosts) {
            tls.add(new IngressTLSBuilder().withSecretName(secretName).withHosts(hosts).build());
            return this;
        }

        IngressFixture defaultBackend(String service, Object port) {
            this.defaultBackend = serviceBackend(service, port);
            return this;
        }

        @SuppressWarnings("unchecked")
        private void flushPath() {
            if (current != null) {
                ((List<HTTPIngressPath>) rules.get(rules.size() - 1)[1]).add(current.build());
                current = null;
            }
        }

        @SuppressWarnings("unchecked")
        Ingress build() {
            flushPath();
            List<IngressRule> built = new ArrayList<>();
            for (Object[] r : rules) {
                IngressRuleBuilder rb = new IngressRuleBuilder().withHost((String) r[0]);
                if (r[1] != null) {
                    rb.withNewHttp().withPaths((List<HTTPIngressPath>) r[1]).endHttp();
                }
                built.add(rb.build());
            }
            return new IngressBuilder()
                    .withNewMetadata().withNamespace(namespace).withName(name).withCreationTimestamp(created)
                    .withAnnotations(annotations.isEmpty() ? null : new LinkedHashMap<>(annotations)).endMetadata()
                    .withNewSpec().withIngressClassName(className).withDefaultBackend(defaultBackend)
                    .withRules(built.isEmpty() ? null : built).withTls(tls.isEmpty() ? null : tls).endSpec()
                    .build();
        }
    }

    static final class SliceFixture {
        private final EndpointSliceBuilder b;

        SliceFixture(String nsName, String service) {
            String[] n = split(nsName);
            b = new EndpointSliceBuilder().withNewMetadata().withNamespace(n[0]).withName(n[1])
                    .addToLabels(BackendResolver.SERVICE_NAME_LABEL, service).endMetadata().withAddressType("IPv4");
        }

        SliceFixture port(String name, Integer port) {
            b.addNewPort().withName(name).withPort(port).endPort();
            return this;
        }

        SliceFixture endpoint(String address, Boolean ready, Boolean terminating) {
            b.addToEndpoints(new EndpointBuilder().withAddresses(address)
                    .withNewConditions().withReady(ready).withTerminating(terminating).endConditions().build());
            return this;
        }

        EndpointSlice build() {
            return b.build();
        }
    }
}
