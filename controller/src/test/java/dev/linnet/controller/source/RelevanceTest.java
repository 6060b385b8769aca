package dev.linnet.controller.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.controller.build.BuildOptions;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which informer events signal the control loop (issue 3 item 1). */
class RelevanceTest {

    private final List<Ingress> ingresses = new ArrayList<>();
    private final List<IngressClass> classes = new ArrayList<>();
    private final Relevance relevance = new Relevance(new BuildOptions(BuildOptions.DEFAULT_ANNOTATIONS_PREFIX,
            "linnet", BuildOptions.DEFAULT_CONTROLLER_CLASS, false), () -> ingresses, () -> classes);

    private static Ingress ingress(String name, String className, String service) {
        return new IngressBuilder()
                .withNewMetadata().withNamespace("ns").withName(name).withResourceVersion("1").withGeneration(1L)
                    .withAnnotations(Map.of("a", "1")).endMetadata()
                .withNewSpec().withIngressClassName(className).addNewRule().withHost("h").withNewHttp().addNewPath()
                    .withPath("/").withPathType("Prefix").withNewBackend().withNewService().withName(service)
                    .withNewPort().withNumber(80).endPort().endService().endBackend().endPath().endHttp().endRule()
                .endSpec().build();
    }

    private static Service service(String name, int port) {
        return new ServiceBuilder().withNewMetadata().withNamespace("ns").withName(name).withResourceVersion("1")
                .endMetadata().withNewSpec().addNewPort().withPort(port).endPort().endSpec().build();
    }

    private static EndpointSlice slice(String service, String address) {
        return new EndpointSliceBuilder().withNewMetadata().withNamespace("ns").withName(service + "-x")
                .withLabels(Map.of("kubernetes.io/service-name", service)).endMetadata()
                .addNewPort().withPort(8080).endPort()
                .addNewEndpoint().withAddresses(address).endEndpoint().build();
    }

    private static io.fabric8.kubernetes.api.model.Secret secret(String ns, String name, String crt) {
        return new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withNamespace(ns).withName(name)
                .endMetadata().withType("kubernetes.io/tls").addToData("tls.crt", crt).addToData("tls.key", "k").build();
    }

    @Test
    void errorBackendsSignalTheirEndpointChurn() {
        Ingress pages = ingress("a", "linnet", "s");
        pages.getMetadata().setAnnotations(Map.of("nginx.ingress.kubernetes.io/default-backend", "pages"));
        ingresses.add(pages);
        relevance.ingress(null, pages);
        Relevance withGlobal = new Relevance(new BuildOptions(BuildOptions.DEFAULT_ANNOTATIONS_PREFIX, "linnet",
                BuildOptions.DEFAULT_CONTROLLER_CLASS, false).withDefaultBackendService("ns/fallback"),
                () -> ingresses, () -> classes);

        assertThat(relevance.endpointSlice(null, slice("pages", "10.0.0.1"))).as("default-backend").isTrue();
        assertThat(relevance.endpointSlice(null, slice("fallback", "10.0.0.1"))).isFalse();
        assertThat(withGlobal.endpointSlice(null, slice("fallback", "10.0.0.1"))).as("--default-backend-service")
                .isTrue();
        assertThat(withGlobal.service(null, service("fallback", 80))).isTrue();
    }

    @Test
    void tlsSecretsSignalWhenAnIngressOfOursNamesThemOrTheyAreTheDefaultCertificate() {
        Ingress withTls = ingress("a", "linnet", "s");
        withTls.getSpec().setTls(List.of(new io.fabric8.kubernetes.api.model.networking.v1.IngressTLSBuilder()
                .withHosts("h").withSecretName("h-tls").build()));
        Ingress otherClass = ingress("b", "nginx", "s");
        otherClass.getSpec().setTls(List.of(new io.fabric8.kubernetes.api.model.networking.v1.IngressTLSBuilder()
                .withHosts("h2").withSecretName("nginx-tls").build()));
        ingresses.add(withTls);
        ingresses.add(otherClass);
        relevance.ingress(null, withTls);
        Relevance withDefault = new Relevance(new BuildOptions(BuildOptions.DEFAULT_ANNOTATIONS_PREFIX, "linnet",
                BuildOptions.DEFAULT_CONTROLLER_CLASS, false).withDefaultCertificate("infra/default-tls"),
                () -> ingresses, () -> classes);

        assertThat(relevance.secret(null, secret("ns", "h-tls", "1"))).isTrue();
        assertThat(relevance.secret(secret("ns", "h-tls", "1"), secret("ns", "h-tls", "2"))).as("rotation").isTrue();
        assertThat(relevance.secret(secret("ns", "h-tls", "1"), secret("ns", "h-tls", "1"))).as("resync").isFalse();
        assertThat(relevance.secret(null, secret("ns", "nginx-tls", "1"))).isFalse();
        assertThat(relevance.secret(null, secret("other", "h-tls", "1"))).as("another namespace").isFalse();
        assertThat(relevance.secret(null, secret("infra", "default-tls", "1"))).isFalse();
        assertThat(withDefault.secret(secret("infra", "default-tls", "1"), secret("infra", "default-tls", "2"))).isTrue();
    }

    private static io.fabric8.kubernetes.api.model.ConfigMap configMap(String ns, String name, String value) {
        return new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withNamespace(ns)
                .withName(name).endMetadata().addToData("X-A", value).build();
    }

    @Test
    void configMapsSignalWhenAnIngressOfOursNamesThemInAuthProxySetHeaders() {
        Ingress withHeaders = ingress("a", "linnet", "s");
        withHeaders.getMetadata().setAnnotations(Map.of(
                "nginx.ingress.kubernetes.io/auth-proxy-set-headers", "ns/auth-headers"));
        Ingress otherClass = ingress("b", "nginx", "s");
        otherClass.getMetadata().setAnnotations(Map.of(
                "nginx.ingress.kubernetes.io/auth-proxy-set-headers", "ns/nginx-headers"));
        ingresses.add(withHeaders);
        ingresses.add(otherClass);
        relevance.ingress(null, withHeaders);

        assertThat(relevance.configMap(null, configMap("ns", "auth-headers", "1"))).isTrue();
        assertThat(relevance.configMap(configMap("ns", "auth-headers", "1"), configMap("ns", "auth-headers", "2")))
                .as("edit").isTrue();
        assertThat(relevance.configMap(configMap("ns", "auth-headers", "1"), configMap("ns", "auth-headers", "1")))
                .as("resync").isFalse();
        assertThat(relevance.configMap(null, configMap("ns", "nginx-headers", "1"))).isFalse();
        assertThat(relevance.configMap(null, configMap("ns", "kube-root-ca.crt", "1"))).isFalse();
    }

    @Test
    void authSecretsSignalWhenAnAnnotationOfAnIngressOfOursNamesThem() {
        String prefix = BuildOptions.DEFAULT_ANNOTATIONS_PREFIX + '/';
        Ingress basic = ingress("a", "linnet", "s");
        basic.getMetadata().setAnnotations(Map.of(prefix + "auth-secret", "basic-auth"));
        Ingress mtls = ingress("b", "linnet", "s");
        mtls.getMetadata().setAnnotations(Map.of(prefix + "auth-tls-secret", "certs/ca"));
        Ingress otherClass = ingress("c", "nginx", "s");
        otherClass.getMetadata().setAnnotations(Map.of(prefix + "auth-secret", "nginx-auth"));
        ingresses.addAll(List.of(basic, mtls, otherClass));
        relevance.ingress(null, basic);

        assertThat(relevance.secret(null, opaque("ns", "basic-auth", "foo:x"))).isTrue();
        assertThat(relevance.secret(opaque("ns", "basic-auth", "foo:x"), opaque("ns", "basic-auth", "foo:y"))).isTrue();
        assertThat(relevance.secret(opaque("ns", "basic-auth", "foo:x"), opaque("ns", "basic-auth", "foo:x")))
                .as("resync").isFalse();
        assertThat(relevance.secret(null, opaque("certs", "ca", "c"))).as("namespace/name").isTrue();
        assertThat(relevance.secret(null, opaque("ns", "nginx-auth", "x"))).as("another class").isFalse();
        assertThat(relevance.secret(null, opaque("ns", "unrelated", "x"))).isFalse();
    }

    private static io.fabric8.kubernetes.api.model.Secret opaque(String ns, String name, String auth) {
        return new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata().withNamespace(ns).withName(name)
                .endMetadata().withType("Opaque").addToData("auth", auth).build();
    }

    @Test
    void ingressOfOurClassSignalsAndOfAnotherDoesNot() {
        assertThat(relevance.ingress(null, ingress("a", "linnet", "s"))).isTrue();
        assertThat(relevance.ingress(null, ingress("b", "nginx", "s"))).isFalse();
        assertThat(relevance.ingress(ingress("b", "nginx", "s"), null)).isFalse();
        // Moving out of our class is a change for us (the routes go away).
        assertThat(relevance.ingress(ingress("a", "linnet", "s"), ingress("a", "nginx", "s"))).isTrue();
    }

    @Test
    void statusOnlyAndResyncUpdatesDoNotSignal() {
        Ingress before = ingress("a", "linnet", "s");
        Ingress statusWritten = new IngressBuilder(before).editMetadata().withResourceVersion("2")
                .withManagedFields(List.of()).endMetadata()
                .withNewStatus().withNewLoadBalancer().addNewIngress().withIp("10.0.0.1").endIngress()
                .endLoadBalancer().endStatus().build();
        assertThat(relevance.ingress(before, statusWritten)).isFalse();
        assertThat(relevance.ingress(before, before)).as("resync").isFalse();

        Ingress annotated = new IngressBuilder(before).editMetadata().addToAnnotations("b", "2").endMetadata().build();
        assertThat(relevance.ingress(before, annotated)).isTrue();
        Ingress respec = new IngressBuilder(before).editSpec().editFirstRule().withHost("other").endRule().endSpec()
                .build();
        assertThat(relevance.ingress(before, respec)).isTrue();
    }

    @Test
    void servicesAndSlicesMatterOnlyWhenAnIngressOfOursReferencesThem() {
        ingresses.add(ingress("a", "linnet", "used"));
        ingresses.add(ingress("b", "nginx", "theirs"));
        relevance.ingress(null, ingresses.get(0));

        assertThat(relevance.service(null, service("used", 80))).isTrue();
        assertThat(relevance.service(null, service("unused", 80))).isFalse();
        assertThat(relevance.service(null, service("theirs", 80))).as("referenced by another class only").isFalse();
        assertThat(relevance.service(service("used", 80), service("used", 81))).isTrue();
        Service lbStatus = new ServiceBuilder(service("used", 80)).withNewStatus().withNewLoadBalancer()
                .addNewIngress().withIp("1.2.3.4").endIngress().endLoadBalancer().endStatus().build();
        assertThat(relevance.service(service("used", 80), lbStatus)).as("status only").isFalse();

        assertThat(relevance.endpointSlice(null, slice("used", "10.0.0.1"))).isTrue();
        assertThat(relevance.endpointSlice(slice("used", "10.0.0.1"), slice("used", "10.0.0.2"))).isTrue();
        assertThat(relevance.endpointSlice(slice("used", "10.0.0.1"), slice("used", "10.0.0.1"))).isFalse();
        assertThat(relevance.endpointSlice(null, slice("unused", "10.0.0.1"))).isFalse();
    }

    @Test
    void referencesFollowIngressChanges() {
        assertThat(relevance.service(null, service("later", 80))).isFalse();
        ingresses.add(ingress("a", "linnet", "later"));
        relevance.ingress(null, ingresses.get(0));
        assertThat(relevance.service(null, service("later", 80))).isTrue();
    }

    @Test
    void ingressClassesAlwaysSignalAndMakeIngressesOurs() {
        ingresses.add(ingress("c", "company", "svc"));
        assertThat(relevance.service(null, service("svc", 80))).isFalse();
        IngressClass company = new IngressClassBuilder().withNewMetadata().withName("company").endMetadata()
                .withNewSpec().withController(BuildOptions.DEFAULT_CONTROLLER_CLASS).endSpec().build();
        classes.add(company);
        assertThat(relevance.ingressClass(null, company)).isTrue();
        assertThat(relevance.isOurs(ingresses.get(0))).isTrue();
        assertThat(relevance.service(null, service("svc", 80))).isTrue();
        assertThat(relevance.ingressClass(company, company)).as("resync").isFalse();
    }
}
