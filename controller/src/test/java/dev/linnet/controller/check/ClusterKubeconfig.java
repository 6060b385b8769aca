package dev.linnet.controller.check;

/** A kubeconfig naming one API server, with a token (tests). */
public final class ClusterKubeconfig {

    private ClusterKubeconfig() {
    }

    public static String yaml(String server) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: test
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: true
                contexts:
                - name: test
                  context:
                    cluster: test
                    user: test
                    namespace: default
                current-context: test
                users:
                - name: test
                  user:
                    token: not-a-real-token
                """.formatted(server);
    }
}
