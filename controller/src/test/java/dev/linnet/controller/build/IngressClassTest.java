package dev.linnet.controller.build;

import static dev.linnet.controller.build.Fixtures.ingress;
import static dev.linnet.controller.build.Fixtures.ingressClass;
import static dev.linnet.controller.build.Fixtures.state;
import static dev.linnet.controller.build.Fixtures.svc;
import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.controller.build.Fixtures.IngressFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which Ingresses are ours (issue 2 item 3, DESIGN.md class rules). */
class IngressClassTest {

    private static final String OURS = BuildOptions.DEFAULT_CONTROLLER_CLASS;
    private static final BuildOptions LINNET = new BuildOptions(BuildOptions.DEFAULT_ANNOTATIONS_PREFIX, "linnet",
            OURS, false);
    private static final BuildOptions LINNET_WATCH_CLASSLESS = new BuildOptions(
            BuildOptions.DEFAULT_ANNOTATIONS_PREFIX, "linnet", OURS, true);
    private static final BuildOptions ALL = BuildOptions.serveAll();

    static Stream<Arguments> cases() {
        var mine = ingressClass("mine", OURS, false);
        var mineDefault = ingressClass("mine", OURS, true);
        var nginx = ingressClass("nginx", "k8s.io/ingress-nginx", false);
        var nginxDefault = ingressClass("nginx", "k8s.io/ingress-nginx", true);
        return Stream.of(
                Arguments.of("no --ingress-class serves a foreign class", ALL, i().className("nginx"), List.of(nginx), true),
                Arguments.of("no --ingress-class serves class-less", ALL, i(), List.of(), true),
                Arguments.of("ingressClassName equal to --ingress-class", LINNET, i().className("linnet"), List.of(), true),
                Arguments.of("ingressClassName of a class with our controller", LINNET, i().className("mine"),
                        List.of(mine), true),
                Arguments.of("ingressClassName of another controller's class", LINNET, i().className("nginx"),
                        List.of(nginx), false),
                Arguments.of("ingressClassName of an unknown class", LINNET, i().className("other"), List.of(), false),
                Arguments.of("legacy annotation equal to --ingress-class", LINNET, i().annotation(
                        "kubernetes.io/ingress.class", "linnet"), List.of(), true),
                Arguments.of("legacy annotation of another class", LINNET, i().annotation(
                        "kubernetes.io/ingress.class", "nginx"), List.of(mineDefault), false),
                Arguments.of("ingressClassName wins over the legacy annotation", LINNET, i().className("nginx")
                        .annotation("kubernetes.io/ingress.class", "linnet"), List.of(nginx), false),
                Arguments.of("class-less without default class or flag", LINNET, i(), List.of(mine), false),
                Arguments.of("class-less with our class as default", LINNET, i(), List.of(mineDefault), true),
                Arguments.of("class-less with another controller's default class", LINNET, i(), List.of(nginxDefault),
                        false),
                Arguments.of("class-less with --watch-ingress-without-class", LINNET_WATCH_CLASSLESS, i(), List.of(),
                        true));
    }

    private static IngressFixture i() {
        return ingress("ns/a").host("h").path("/").backend("svc", 80);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void ingressIsServedOnlyWhenItsClassIsOurs(String name, BuildOptions options, IngressFixture ingress,
            List<Object> classes, boolean served) {
        List<Object> objects = new ArrayList<>(classes);
        objects.add(svc("ns/svc", "10.0.0.1"));
        objects.add(ingress);
        BuildResult r = RouteTableBuilder.build(state(objects.toArray()), options);
        assertThat(r.table().exactHosts().containsKey("h")).isEqualTo(served);
        assertThat(r.warnings()).isEmpty(); // other classes are skipped silently
    }
}
