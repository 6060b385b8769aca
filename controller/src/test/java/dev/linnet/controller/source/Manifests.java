package dev.linnet.controller.source;

/** Tiny manifest fixtures, as text, so tests read like the files a user writes. */
public final class Manifests {

    private Manifests() {
    }

    public static String ingress(String name, String host, String service) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: %s
                spec:
                  rules:
                  - host: %s
                    http:
                      paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: %s
                            port:
                              number: 80
                """.formatted(name, host, service);
    }

    public static String service(String name) {
        return """
                apiVersion: v1
                kind: Service
                metadata:
                  name: %s
                spec:
                  ports:
                  - name: http
                    port: 80
                    targetPort: 8080
                """.formatted(name);
    }

    public static String deployment(String name) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: %s
                """.formatted(name);
    }
}
