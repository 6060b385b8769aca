package dev.linnet.controller.status;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The addresses written into {@code status.loadBalancer.ingress} of our Ingresses, computed as
 * ingress-nginx's status syncer does ({@code statusAddressFromService}, internal/ingress/status):
 *
 * <pre>
 *   --publish-status-address a,b   ─▶ those, IP or hostname by their shape
 *   --publish-service ns/name      ─▶ by the Service's type:
 *       LoadBalancer  status.loadBalancer.ingress (ip / hostname) + spec.externalIPs
 *       NodePort      spec.externalIPs, or spec.clusterIP when there are none
 *       ClusterIP     spec.clusterIP
 *       ExternalName  spec.externalName (as a hostname)
 * </pre>
 *
 * The result is sorted and de-duplicated, so comparing it with the current status tells whether
 * a write would change anything.
 */
public final class PublishAddress {

    /** One {@code status.loadBalancer.ingress} entry: an IP or a hostname (the other null). */
    public record Address(String ip, String hostname) {

        public static Address of(String address) {
            boolean isIp = IPV4.matcher(address).matches() || address.contains(":");
            return isIp ? new Address(address, null) : new Address(null, address);
        }

        IngressLoadBalancerIngress toIngressStatus() {
            return new IngressLoadBalancerIngressBuilder().withIp(ip).withHostname(hostname).build();
        }
    }

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private static final Comparator<Address> ORDER = Comparator
            .comparing((Address a) -> Objects.requireNonNullElse(a.ip(), ""))
            .thenComparing(a -> Objects.requireNonNullElse(a.hostname(), ""));

    private PublishAddress() {
    }

    /** From {@code --publish-status-address}: comma-separated IPs or hostnames. */
    public static List<Address> fromAddresses(List<String> addresses) {
        List<Address> out = new ArrayList<>();
        for (String raw : addresses) {
            for (String a : raw.split(",")) {
                String s = a.trim();
                if (!s.isEmpty()) {
                    out.add(Address.of(s));
                }
            }
        }
        return normalise(out);
    }

    /** From the {@code --publish-service} Service; empty when it is absent. */
    public static List<Address> fromService(Service service) {
        if (service == null || service.getSpec() == null) {
            return List.of();
        }
        var spec = service.getSpec();
        List<Address> out = new ArrayList<>();
        String type = Objects.requireNonNullElse(spec.getType(), "ClusterIP");
        List<String> externalIps = spec.getExternalIPs() == null ? List.of() : spec.getExternalIPs();
        switch (type) {
            case "ExternalName" -> {
                if (spec.getExternalName() != null) {
                    out.add(new Address(null, spec.getExternalName()));
                }
            }
            case "LoadBalancer" -> {
                if (service.getStatus() != null && service.getStatus().getLoadBalancer() != null
                        && service.getStatus().getLoadBalancer().getIngress() != null) {
                    for (LoadBalancerIngress i : service.getStatus().getLoadBalancer().getIngress()) {
                        if (i.getIp() != null && !i.getIp().isEmpty()) {
                            out.add(new Address(i.getIp(), null));
                        } else if (i.getHostname() != null && !i.getHostname().isEmpty()) {
                            out.add(new Address(null, i.getHostname()));
                        }
                    }
                }
                externalIps.forEach(ip -> out.add(Address.of(ip)));
            }
            case "NodePort" -> {
                if (externalIps.isEmpty()) {
                    addClusterIp(spec.getClusterIP(), out);
                } else {
                    externalIps.forEach(ip -> out.add(Address.of(ip)));
                }
            }
            default -> addClusterIp(spec.getClusterIP(), out);
        }
        return normalise(out);
    }

    private static void addClusterIp(String clusterIp, List<Address> out) {
        if (clusterIp != null && !clusterIp.isEmpty() && !"None".equals(clusterIp)) {
            out.add(Address.of(clusterIp));
        }
    }

    /** An Ingress's current {@code status.loadBalancer.ingress}, in the same normal form. */
    static List<Address> current(Ingress ingress) {
        if (ingress.getStatus() == null || ingress.getStatus().getLoadBalancer() == null
                || ingress.getStatus().getLoadBalancer().getIngress() == null) {
            return List.of();
        }
        List<Address> out = new ArrayList<>();
        for (IngressLoadBalancerIngress i : ingress.getStatus().getLoadBalancer().getIngress()) {
            out.add(new Address(i.getIp(), i.getHostname()));
        }
        return normalise(out);
    }

    /** Sorted, de-duplicated, empty strings as null: what we write and what we compare. */
    static List<Address> normalise(List<Address> in) {
        Set<Address> unique = new LinkedHashSet<>();
        for (Address a : in) {
            if (emptyToNull(a.ip()) != null || emptyToNull(a.hostname()) != null) {
                unique.add(new Address(emptyToNull(a.ip()), emptyToNull(a.hostname())));
            }
        }
        List<Address> out = new ArrayList<>(unique);
        out.sort(ORDER);
        return List.copyOf(out);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
