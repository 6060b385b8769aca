package dev.linnet.gateway.route;

import static java.util.Objects.requireNonNull;

/** One ready address of a Service: an IP (or host name) and the target port. */
public record Endpoint(String address, int port) {

    public Endpoint {
        requireNonNull(address, "address");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
    }

    @Override
    public String toString() {
        return address.indexOf(':') >= 0 ? '[' + address + "]:" + port : address + ':' + port;
    }
}
