package dev.linnet.controller.chart;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough of a Kubernetes API server for {@code helm install}: discovery (so that the chart sees
 * the API versions a real cluster would advertise in {@code .Capabilities.APIVersions}), release
 * storage (Helm's Secrets), and object creation, whose bodies it records. Nothing is stored: every
 * GET of an object answers 404, so Helm finds no conflicting resource.
 *
 * <p>Why not {@code helm template --api-versions}: helm-java 0.0.15's TemplateCommand has no such
 * option, and its template always runs with Helm's built-in capabilities. An install against this
 * server exercises the ServiceMonitor's {@code .Capabilities.APIVersions.Has} check the way a
 * cluster with (or without) the Prometheus Operator would.
 *
 * <pre>
 * helm install ─▶ GET /version, /api, /apis, /apis/G/V   discovery: the groups below
 *              ─▶ GET  .../secrets?labelSelector=…        release history: none
 *              ─▶ GET  .../KIND/NAME                      conflict check: 404
 *              ─▶ POST .../secrets                        the release record (protobuf; not kept)
 *              ─▶ POST .../KIND                           each chart object: recorded
 *              ─▶ PUT  .../secrets/sh.helm.release…       release marked deployed
 * </pre>
 */
final class FakeApiServer implements AutoCloseable {

    static final String MONITORING = "monitoring.coreos.com/v1";

    private static final String RELEASE_SECRET = "{\"kind\":\"Secret\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"release\"}}";
    private static final String EMPTY_SECRETS = "{\"kind\":\"SecretList\",\"apiVersion\":\"v1\",\"metadata\":{},\"items\":[]}";
    private static final String NOT_FOUND = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
            + "\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}";

    private final HttpServer server;
    private final Map<String, String> groupVersions = new LinkedHashMap<>();
    private final String coreResources;
    private final List<String> created = new ArrayList<>();

    private FakeApiServer(boolean withMonitoring) throws IOException {
        coreResources = resourceList("v1", "services:Service:true", "serviceaccounts:ServiceAccount:true",
                "configmaps:ConfigMap:true", "secrets:Secret:true");
        groupVersions.put("apps/v1", resourceList("apps/v1", "deployments:Deployment:true"));
        groupVersions.put("rbac.authorization.k8s.io/v1", resourceList("rbac.authorization.k8s.io/v1",
                "clusterroles:ClusterRole:false", "clusterrolebindings:ClusterRoleBinding:false",
                "roles:Role:true", "rolebindings:RoleBinding:true"));
        groupVersions.put("networking.k8s.io/v1", resourceList("networking.k8s.io/v1", "ingressclasses:IngressClass:false"));
        groupVersions.put("policy/v1", resourceList("policy/v1", "poddisruptionbudgets:PodDisruptionBudget:true"));
        groupVersions.put("autoscaling/v2", resourceList("autoscaling/v2",
                "horizontalpodautoscalers:HorizontalPodAutoscaler:true"));
        if (withMonitoring) {
            groupVersions.put(MONITORING, resourceList(MONITORING, "servicemonitors:ServiceMonitor:true"));
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A cluster with the built-in APIs the chart uses and, if asked, the Prometheus Operator's. */
    static FakeApiServer start(boolean withMonitoring) throws IOException {
        return new FakeApiServer(withMonitoring);
    }

    /** A kubeconfig pointing at this server. */
    String kubeconfig(String namespace) {
        return "apiVersion: v1\nkind: Config\ncurrent-context: fake\n"
                + "clusters:\n- name: fake\n  cluster:\n    server: http://127.0.0.1:" + server.getAddress().getPort() + "\n"
                + "contexts:\n- name: fake\n  context:\n    cluster: fake\n    user: fake\n    namespace: " + namespace + "\n"
                + "users:\n- name: fake\n  user:\n    token: fake\n";
    }

    /** The objects Helm created, as JSON, in the order it sent them. */
    synchronized List<String> created() {
        return List.copyOf(created);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        byte[] request = exchange.getRequestBody().readAllBytes();
        int status = 200;
        String body;
        if (path.equals("/version")) {
            body = "{\"major\":\"1\",\"minor\":\"31\",\"gitVersion\":\"v1.31.0\"}";
        } else if (path.equals("/api")) {
            body = "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"]}";
        } else if (path.equals("/apis")) {
            body = groupList();
        } else if (path.equals("/api/v1")) {
            body = coreResources;
        } else if (path.startsWith("/apis/") && groupVersions.containsKey(path.substring("/apis/".length()))) {
            body = groupVersions.get(path.substring("/apis/".length()));
        } else if (path.endsWith("/secrets") && method.equals("GET")) {
            body = EMPTY_SECRETS;
        } else if (path.contains("/secrets") && (method.equals("POST") || method.equals("PUT"))) {
            // Helm's release record, sent as protobuf: acknowledged, not kept.
            status = method.equals("POST") ? 201 : 200;
            body = RELEASE_SECRET;
        } else if (method.equals("POST")) {
            status = 201;
            body = new String(request, StandardCharsets.UTF_8);
            synchronized (this) {
                created.add(body);
            }
        } else {
            status = 404;
            body = NOT_FOUND;
        }
        byte[] response = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, response.length);
        exchange.getResponseBody().write(response);
        exchange.close();
    }

    private String groupList() {
        StringBuilder groups = new StringBuilder();
        for (String groupVersion : groupVersions.keySet()) {
            String[] parts = groupVersion.split("/");
            String version = "{\"groupVersion\":\"" + groupVersion + "\",\"version\":\"" + parts[1] + "\"}";
            groups.append(groups.isEmpty() ? "" : ",")
                    .append("{\"name\":\"").append(parts[0]).append("\",\"versions\":[").append(version)
                    .append("],\"preferredVersion\":").append(version).append('}');
        }
        return "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[" + groups + "]}";
    }

    /** An APIResourceList; each resource is {@code plural:Kind:namespaced}. */
    private static String resourceList(String groupVersion, String... resources) {
        StringBuilder list = new StringBuilder();
        for (String resource : resources) {
            String[] parts = resource.split(":");
            list.append(list.isEmpty() ? "" : ",")
                    .append("{\"name\":\"").append(parts[0]).append("\",\"singularName\":\"\",\"namespaced\":")
                    .append(parts[2]).append(",\"kind\":\"").append(parts[1])
                    .append("\",\"verbs\":[\"create\",\"delete\",\"get\",\"list\",\"patch\",\"update\",\"watch\"]}");
        }
        return "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"" + groupVersion
                + "\",\"resources\":[" + list + "]}";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
