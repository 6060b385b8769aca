package dev.linnet.controller.cluster;

import dev.linnet.controller.build.BuildOptions;
import dev.linnet.controller.cli.ClusterConfig;
import dev.linnet.controller.cli.ClusterServer;
import dev.linnet.controller.status.StatusOptions;
import dev.linnet.gateway.proxy.GatewayConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;

/** Starts Linnet in cluster mode, in-process, on free loopback ports. */
final class Controllers {

    private Controllers() {
    }

    static ClusterConfig config(String identity, List<String> publishAddresses, boolean updateStatusOnShutdown) {
        // Short Lease timings so that a test sees an election and a failover in seconds.
        StatusOptions status = new StatusOptions(StatusOptions.DEFAULT_ELECTION_ID, K8s.NS, identity, null,
                publishAddresses, updateStatusOnShutdown, Duration.ofSeconds(3), Duration.ofSeconds(2),
                Duration.ofMillis(250));
        BuildOptions build = new BuildOptions(BuildOptions.DEFAULT_ANNOTATIONS_PREFIX, BuildOptions.DEFAULT_INGRESS_CLASS,
                BuildOptions.DEFAULT_CONTROLLER_CLASS, false);
        GatewayConfig gateway = GatewayConfig.defaults().withBindAddress("127.0.0.1").withHttpPort(0);
        return new ClusterConfig(null, List.of(), gateway, 0, build, status);
    }

    static ClusterServer start(KubernetesClient client, String identity, String... publishAddresses) throws Exception {
        return ClusterServer.start(config(identity, List.of(publishAddresses), false), client);
    }
}
