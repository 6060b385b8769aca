package dev.linnet.gateway.proxy;

import static java.util.Objects.requireNonNull;

import dev.linnet.gateway.policy.ExternalAuth.SetHeader;
import dev.linnet.gateway.route.SourceRanges;
import io.netty.util.AsciiString;
import java.time.Duration;
import java.util.List;

/**
 * Whose word the gateway takes for the client's address, scheme, host and port, and what it
 * tells the upstream about them (annotations-spec.md §4, §3.1): forwarded headers, real IP,
 * PROXY protocol, request ids. From the controller ConfigMap.
 *
 * @param useForwardedHeaders trust {@code X-Forwarded-Proto/-Port/-Host}; the address comes from
 *     {@code forwardedForHeader} ({@code use-forwarded-headers})
 * @param enableRealIp the address comes from {@code forwardedForHeader}, nothing else is trusted
 *     ({@code enable-real-ip})
 * @param forwardedForHeader where a trusted address comes from; its value as received goes up as
 *     {@code X-Original-Forwarded-For} ({@code forwarded-for-header})
 * @param forwardedHostHeader its value as received goes up as {@code X-Original-Forwarded-Host}
 *     ({@code forwarded-host-header})
 * @param computeFullForwardedFor with forwarded headers: {@code X-Forwarded-For} is the client's
 *     list plus the peer, not one address ({@code compute-full-forwarded-for})
 * @param trustedPeers the peers whose forwarded address is believed ({@code proxy-real-ip-cidr},
 *     default {@code 0.0.0.0/0}: every IPv4 peer, no IPv6 one)
 * @param useProxyProtocol new connections must start with a PROXY header ({@code use-proxy-protocol})
 * @param proxyProtocolTimeout how long a new connection may take to send it
 *     ({@code proxy-protocol-header-timeout})
 * @param generateRequestId make an {@code X-Request-ID} when the client sent none ({@code generate-request-id})
 * @param originalUriHeader send {@code X-Original-URI} ({@code proxy-add-original-uri-header})
 * @param proxySetHeaders appended to every proxied request, in order, duplicates kept
 *     ({@code proxy-set-headers})
 */
public record ClientTrust(
        boolean useForwardedHeaders,
        boolean enableRealIp,
        AsciiString forwardedForHeader,
        AsciiString forwardedHostHeader,
        boolean computeFullForwardedFor,
        SourceRanges trustedPeers,
        boolean useProxyProtocol,
        Duration proxyProtocolTimeout,
        boolean generateRequestId,
        boolean originalUriHeader,
        List<SetHeader> proxySetHeaders) {

    /** ingress-nginx's default {@code proxy-real-ip-cidr}. */
    public static final SourceRanges ALL_IPV4 = SourceRanges.of(List.of("0.0.0.0/0"));

    /** ingress-nginx's defaults: only the TCP peer counts. */
    public static final ClientTrust DEFAULT = new ClientTrust(false, false, AsciiString.cached("X-Forwarded-For"),
            AsciiString.cached("X-Forwarded-Host"), false, ALL_IPV4, false, Duration.ofSeconds(5), true, false,
            List.of());

    public ClientTrust {
        requireNonNull(forwardedForHeader, "forwardedForHeader");
        requireNonNull(forwardedHostHeader, "forwardedHostHeader");
        requireNonNull(trustedPeers, "trustedPeers");
        requireNonNull(proxyProtocolTimeout, "proxyProtocolTimeout");
        proxySetHeaders = List.copyOf(proxySetHeaders);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Mutable twin; {@link #build()} validates. */
    public static final class Builder {
        private boolean useForwardedHeaders;
        private boolean enableRealIp;
        private AsciiString forwardedForHeader;
        private AsciiString forwardedHostHeader;
        private boolean computeFullForwardedFor;
        private SourceRanges trustedPeers;
        private boolean useProxyProtocol;
        private Duration proxyProtocolTimeout;
        private boolean generateRequestId;
        private boolean originalUriHeader;
        private List<SetHeader> proxySetHeaders;

        private Builder(ClientTrust t) {
            useForwardedHeaders = t.useForwardedHeaders;
            enableRealIp = t.enableRealIp;
            forwardedForHeader = t.forwardedForHeader;
            forwardedHostHeader = t.forwardedHostHeader;
            computeFullForwardedFor = t.computeFullForwardedFor;
            trustedPeers = t.trustedPeers;
            useProxyProtocol = t.useProxyProtocol;
            proxyProtocolTimeout = t.proxyProtocolTimeout;
            generateRequestId = t.generateRequestId;
            originalUriHeader = t.originalUriHeader;
            proxySetHeaders = t.proxySetHeaders;
        }

        public Builder useForwardedHeaders(boolean v) { useForwardedHeaders = v; return this; }
        public Builder enableRealIp(boolean v) { enableRealIp = v; return this; }
        public Builder forwardedForHeader(String v) { forwardedForHeader = new AsciiString(v); return this; }
        public Builder forwardedHostHeader(String v) { forwardedHostHeader = new AsciiString(v); return this; }
        public Builder computeFullForwardedFor(boolean v) { computeFullForwardedFor = v; return this; }
        public Builder trustedPeers(SourceRanges v) { trustedPeers = v; return this; }
        public Builder useProxyProtocol(boolean v) { useProxyProtocol = v; return this; }
        public Builder proxyProtocolTimeout(Duration v) { proxyProtocolTimeout = v; return this; }
        public Builder generateRequestId(boolean v) { generateRequestId = v; return this; }
        public Builder originalUriHeader(boolean v) { originalUriHeader = v; return this; }
        public Builder proxySetHeaders(List<SetHeader> v) { proxySetHeaders = v; return this; }

        public ClientTrust build() {
            return new ClientTrust(useForwardedHeaders, enableRealIp, forwardedForHeader, forwardedHostHeader,
                    computeFullForwardedFor, trustedPeers, useProxyProtocol, proxyProtocolTimeout, generateRequestId,
                    originalUriHeader, proxySetHeaders);
        }
    }
}
