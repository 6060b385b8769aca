package dev.linnet.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.linnet.controller.build.BuildOptions;
import dev.linnet.gateway.proxy.GatewayConfig;
import dev.linnet.gateway.testing.TestBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Basic auth through {@code serve --manifests}: an Opaque Secret in the files (standalone mode
 * reads Secrets of every type) ─▶ builder ─▶ policy ─▶ 401 / proxied; with a canary under the
 * authenticated main, the fail-closed cases, and a password changed in the file.
 */
class StandaloneBasicAuthTest {

    @TempDir
    Path manifests;

    private final TestBackend app = start("app");
    private final TestBackend canary = start("canary");
    private StandaloneServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static TestBackend start(String name) {
        try {
            return TestBackend.start(name);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        app.close();
        canary.close();
    }

    private static String ingress(String name, String host, String service, String annotations) {
        return StandaloneServerTest.ingress(name, host, service, "  annotations:\n" + annotations);
    }

    /** An Opaque Secret whose key {@code auth} holds {@code foo:<bcrypt(password)>}, base64 in data as kubectl writes it. */
    private static String secret(String password) {
        String hash = new String(BCrypt.with(BCrypt.Version.VERSION_2Y).hash(5, password.getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.US_ASCII);
        return """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: basic-auth
                type: Opaque
                data:
                  auth: %s
                """.formatted(Base64.getEncoder().encodeToString(("foo:" + hash + "\n").getBytes(StandardCharsets.US_ASCII)));
    }

    private void write(String password) throws Exception {
        Files.writeString(manifests.resolve("app.yaml"), StandaloneServerTest.service("app", app.port()) + "---\n"
                + StandaloneServerTest.service("canary", canary.port()) + "---\n"
                + secret(password) + "---\n"
                + ingress("secured", "auth.example.com", "app", """
                        nginx.ingress.kubernetes.io/auth-type: basic
                        nginx.ingress.kubernetes.io/auth-secret: basic-auth
                        nginx.ingress.kubernetes.io/auth-realm: "test auth"
                    """)
                + "---\n"
                + ingress("secured-canary", "auth.example.com", "canary", """
                        nginx.ingress.kubernetes.io/canary: "true"
                        nginx.ingress.kubernetes.io/canary-by-header: canary
                    """)
                + "---\n"
                + """
                        apiVersion: v1
                        kind: Secret
                        metadata:
                          name: user-map
                        type: Opaque
                        stringData:
                          foo: "{SHA}Ys23Ag/5IOWqZCw9QGaVDdHwH00="
                        """ // python3 -c "import hashlib,base64;print(base64.b64encode(hashlib.sha1(b'bar').digest()))"
                + "---\n"
                + ingress("mapped", "map.example.com", "app", """
                        nginx.ingress.kubernetes.io/auth-type: basic
                        nginx.ingress.kubernetes.io/auth-secret: user-map
                        nginx.ingress.kubernetes.io/auth-secret-type: auth-map
                    """)
                + "---\n"
                + ingress("missing", "missing.example.com", "app", """
                        nginx.ingress.kubernetes.io/auth-type: basic
                        nginx.ingress.kubernetes.io/auth-secret: something
                    """)
                + "---\n"
                + ingress("typo", "typo.example.com", "app", """
                        nginx.ingress.kubernetes.io/auth-type: xbasic
                        nginx.ingress.kubernetes.io/auth-secret: basic-auth
                    """));
    }

    private HttpResponse<String> get(String host, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/"))
                .timeout(Duration.ofSeconds(10)).header("Host", host);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anOpaqueSecretInTheManifestsAuthenticatesTheIngressAndItsCanary() throws Exception {
        write("bar");
        GatewayConfig gateway = GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(0);
        server = StandaloneServer.start(new StandaloneConfig(List.of(manifests), gateway, 0, BuildOptions.serveAll()));
        await().until(() -> server.routes().isPublished());

        HttpResponse<String> challenge = get("auth.example.com");
        assertThat(challenge.statusCode()).isEqualTo(401);
        assertThat(challenge.headers().allValues("www-authenticate")).containsExactly("Basic realm=\"test auth\"");
        assertThat(get("auth.example.com", "Authorization", basic("foo:bar")).statusCode()).isEqualTo(200);
        assertThat(app.last().header("Authorization")).isNull();

        // canary traffic passes the main Ingress's authentication
        assertThat(get("auth.example.com", "canary", "always").statusCode()).isEqualTo(401);
        assertThat(canary.seen()).isEmpty();
        assertThat(get("auth.example.com", "canary", "always", "Authorization", basic("foo:bar")).statusCode())
                .isEqualTo(200);
        assertThat(canary.seen()).hasSize(1);

        assertThat(get("map.example.com", "Authorization", basic("foo:bar")).statusCode()).as("A7: auth-map")
                .isEqualTo(200);
        assertThat(get("map.example.com", "Authorization", basic("foo:baz")).statusCode()).isEqualTo(401);
        assertThat(get("missing.example.com").statusCode()).as("A2: Secret absent").isEqualTo(503);
        assertThat(get("missing.example.com").body()).contains("503 Service Temporarily Unavailable");
        assertThat(get("typo.example.com", "Authorization", basic("foo:bar")).statusCode())
                .as("[DIFF] xbasic: not served").isEqualTo(404);
        assertThat(app.seen()).hasSize(2);

        // a new password in the file replaces the old one without a restart
        write("changed");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> get("auth.example.com", "Authorization", basic("foo:changed")).statusCode() == 200);
        assertThat(get("auth.example.com", "Authorization", basic("foo:bar")).statusCode()).isEqualTo(401);
    }
}
