package dev.linnet.controller.build;

import dev.linnet.controller.annotation.WarningValue;
import dev.linnet.gateway.route.PathMatch;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceBackendPort;
import java.util.function.Consumer;

/** Reads paths and backends of an Ingress the way ingress-nginx normalises them. */
final class IngressPaths {

    /** A Service backend as the Ingress writes it; {@code port} is a number as a string or a port name. */
    record ServiceRef(String service, String port) {
    }

    private IngressPaths() {
    }

    /**
     * The match of one path, or {@code null} (with a warning). An empty path becomes {@code /};
     * a missing pathType and {@code ImplementationSpecific} become {@code Prefix}, on main and
     * canary Ingresses alike (canary-spec.md §2, ingress-nginx's {@code SetDefaultNGINXPathType}).
     */
    static PathMatch match(HTTPIngressPath path, Consumer<String> warnings) {
        String p = path.getPath() == null || path.getPath().isEmpty() ? "/" : path.getPath();
        if (!p.startsWith("/")) {
            warnings.accept("path " + WarningValue.quote(p) + " is invalid (expected: starts with /); path skipped");
            return null;
        }
        String type = path.getPathType();
        if (type == null || type.equals("ImplementationSpecific") || type.equals("Prefix")) {
            return PathMatch.prefix(p);
        }
        if (type.equals("Exact")) {
            return PathMatch.exact(p);
        }
        warnings.accept("path " + p + " has pathType " + WarningValue.quote(type)
                + " (expected: Exact, Prefix or ImplementationSpecific); path skipped");
        return null;
    }

    /** The Service a backend names, or {@code null} (with a warning). */
    static ServiceRef service(IngressBackend backend, String what, Consumer<String> warnings) {
        IngressServiceBackend service = backend == null ? null : backend.getService();
        if (service == null || service.getName() == null || service.getName().isEmpty()) {
            warnings.accept(what + " has no service backend (resource backends are not supported); skipped");
            return null;
        }
        ServiceBackendPort port = service.getPort();
        if (port != null && port.getNumber() != null && port.getNumber() > 0) {
            return new ServiceRef(service.getName(), String.valueOf(port.getNumber()));
        }
        if (port != null && port.getName() != null && !port.getName().isEmpty()) {
            return new ServiceRef(service.getName(), port.getName());
        }
        warnings.accept(what + " names service " + service.getName() + " without a port (expected: a port number or"
                + " name); skipped");
        return null;
    }

    /** {@code Prefix} / {@code Exact}, as the Ingress API spells it, for messages. */
    static String describe(String host, PathMatch match) {
        String type = switch (match.type()) {
            case EXACT -> "Exact";
            case PREFIX -> "Prefix";
            case REGEX -> "regex";
        };
        return "host " + host + " path " + match.path() + " (" + type + ")";
    }
}
