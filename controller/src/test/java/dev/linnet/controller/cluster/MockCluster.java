package dev.linnet.controller.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * fabric8's mock API server in CRUD mode on 127.0.0.1, restartable on the same port with the
 * same stored objects (the dispatcher, which holds them, outlives the HTTP server), and able to
 * refuse requests like an RBAC-less API server would.
 */
final class MockCluster implements AutoCloseable {

    /** The mock server logs every request through java.util.logging; held so the level sticks. */
    private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    static {
        MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    private final Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    private final KubernetesMixedDispatcher crud = new KubernetesMixedDispatcher(responses);
    private final List<Predicate<RecordedRequest>> forbidden = new CopyOnWriteArrayList<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final Dispatcher dispatcher = new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            requests.add(request);
            for (Predicate<RecordedRequest> p : forbidden) {
                if (p.test(request)) {
                    return new MockResponse().setResponseCode(403).setBody("""
                            {"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403,
                             "message":"forbidden: User \\"system:serviceaccount:default:linnet\\" cannot list resource"}""");
                }
            }
            return crud.dispatch(request);
        }
    };
    private final List<KubernetesClient> clients = new ArrayList<>();
    private KubernetesMockServer server;
    private int port;

    MockCluster() {
        start(0);
    }

    private void start(int onPort) {
        server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), responses,
                dispatcher, false);
        try {
            server.init(InetAddress.getByName("127.0.0.1"), onPort);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        port = server.getPort();
    }

    /** A new client (each controller instance gets its own, as separate pods would). */
    KubernetesClient client() {
        KubernetesClient c = server.createClient();
        clients.add(c);
        return c;
    }

    /** Requests whose path starts with {@code pathPrefix} get 403 Forbidden from now on. */
    void forbid(String method, String pathPrefix) {
        forbidden.add(r -> r.getMethod().equals(method) && r.getPath().startsWith(pathPrefix));
    }

    /** RBAC granted: nothing is refused any more. */
    void allowAll() {
        forbidden.clear();
    }

    /** The API server's address, for a kubeconfig. */
    String url() {
        return "http://127.0.0.1:" + port;
    }

    List<RecordedRequest> requests() {
        return requests;
    }

    /** The API server goes away: connections refused. */
    void stop() {
        server.destroy();
    }

    /** Comes back on the same port with the same objects. */
    void restart() {
        start(port);
    }

    @Override
    public void close() {
        clients.forEach(KubernetesClient::close);
        try {
            server.destroy();
        } catch (IllegalStateException e) {
            // "Unable to close MockWebServer": its event loop can stay blocked for a while after
            // watches close (WatchEventsListener.onClosed awaits its executor). Test cleanup only.
        }
    }
}
