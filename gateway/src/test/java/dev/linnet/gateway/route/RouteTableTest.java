package dev.linnet.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteTableTest {

    private static Backend backend(String service) {
        return Backend.of("default", service, "80", List.of(new Endpoint("127.0.0.1", 9000)));
    }

    private static Route route(String ingress, String host, PathMatch match, String service) {
        return new Route("default", ingress, host, match, backend(service), null);
    }

    private final VirtualHost fooHost = new VirtualHost("foo.example.com", List.of(
            route("root", "foo.example.com", PathMatch.prefix("/"), "root"),
            route("api", "foo.example.com", PathMatch.prefix("/api"), "api"),
            route("api-v1", "foo.example.com", PathMatch.prefix("/api/v1/"), "api-v1"),
            route("exact", "foo.example.com", PathMatch.exact("/api"), "exact")), null);

    private final VirtualHost wildcard = new VirtualHost("*.example.com", List.of(
            route("wild", "*.example.com", PathMatch.prefix("/"), "wild")), null);

    private final Route catchAll = route("catch-all", "_", PathMatch.prefix("/"), "catch-all");

    private final VirtualHost defaultServer = new VirtualHost("_", List.of(
            route("hostless", "_", PathMatch.prefix("/hostless"), "hostless")), catchAll);

    private final RouteTable table = new RouteTable(1,
            Map.of("foo.example.com", fooHost,
                    "bar.example.com", new VirtualHost("bar.example.com",
                            List.of(route("bar", "bar.example.com", PathMatch.exact("/only"), "bar")), null)),
            Map.of("example.com", wildcard),
            defaultServer);

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "foo.example.com,           /,            root",
        "foo.example.com,           /api,         exact",
        "foo.example.com,           /api/,        api",
        "foo.example.com,           /api/users,   api",
        "foo.example.com,           /api/v1,      api-v1",
        "foo.example.com,           /api/v1/x,    api-v1",
        "foo.example.com,           /apis,        root",
        "FOO.Example.com,           /api/x,       api",
        "foo.example.com:8080,      /api/x,       api",
        "foo.example.com.,          /api/x,       api",
        "foo.example.com.:443,      /api/x,       api",
        "other.example.com,         /,            wild",
        "a.b.example.com,           /hostless/x,  hostless",
        "example.com,               /,            catch-all",
        "unknown.test,              /anything,    catch-all",
        "'',                        /hostless,    hostless",
    })
    void routesByHostThenPath(String host, String path, String expectedIngress) {
        assertThat(table.route(host, path).ingress()).isEqualTo(expectedIngress);
    }

    @Test
    void knownHostWithoutMatchingPathDoesNotFallThroughToDefaultServer() {
        // nginx picks the server first, then the location: a miss is the host's own 404.
        assertThat(table.route("bar.example.com", "/other")).isNull();
        assertThat(table.route("bar.example.com", "/only").ingress()).isEqualTo("bar");
    }

    @Test
    void nullHostGoesToDefaultServer() {
        assertThat(table.route(null, "/x").ingress()).isEqualTo("catch-all");
    }

    @Test
    void emptyTableRoutesNothing() {
        assertThat(RouteTable.EMPTY.route("foo.example.com", "/")).isNull();
    }

    @Test
    void equalTablesFromEqualParts() {
        RouteTable same = new RouteTable(1,
                Map.of("bar.example.com", table.exactHosts().get("bar.example.com"), "foo.example.com", fooHost),
                Map.of("example.com", wildcard), defaultServer);
        assertThat(same).isEqualTo(table);
        assertThat(same.withVersion(2)).isNotEqualTo(table);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "Foo.Example.COM,       foo.example.com",
        "foo.example.com:8080,  foo.example.com",
        "foo.example.com.,      foo.example.com",
        "'[::1]:8080',          '[::1]'",
        "'[::1]',               '[::1]'",
        "127.0.0.1:80,          127.0.0.1",
        "'',                    ''",
    })
    void normalisesHostHeader(String header, String expected) {
        assertThat(RouteTable.normaliseHost(header)).isEqualTo(expected);
    }

    @Test
    void holderPublishesAtomically() {
        RouteTableHolder holder = new RouteTableHolder();
        assertThat(holder.isPublished()).isFalse();
        assertThat(holder.current()).isSameAs(RouteTable.EMPTY);
        assertThat(holder.swap(table)).isSameAs(RouteTable.EMPTY);
        assertThat(holder.isPublished()).isTrue();
        assertThat(holder.current()).isSameAs(table);
    }
}
