package dev.linnet.controller.build;

/**
 * Cluster objects in, routing table out: a pure function (DESIGN.md). It never calls the API
 * server, and the same objects in any order give an equal table.
 */
public final class RouteTableBuilder {

    private RouteTableBuilder() {
    }

    public static BuildResult build(ClusterState state, BuildOptions options) {
        throw new UnsupportedOperationException("being written");
    }
}
