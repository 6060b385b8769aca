package dev.linnet.controller.cli;

import dev.linnet.controller.build.BuildOptions;
import dev.linnet.gateway.proxy.GatewayConfig;
import picocli.CommandLine.Option;

/** The HTTPS flags of {@code serve} (a picocli mixin): ingress-nginx's names and defaults where it has them. */
final class TlsOptions {

    @Option(names = "--https-port", paramLabel = "PORT", defaultValue = "8443",
            description = "HTTPS listener port (default: ${DEFAULT-VALUE}; 0 picks a free port, -1 turns HTTPS "
                    + "and the redirects to it off).")
    int httpsPort;

    @Option(names = "--default-ssl-certificate", paramLabel = "NAMESPACE/NAME",
            description = "Secret (type kubernetes.io/tls) served to unknown or absent SNI names and to hosts whose "
                    + "own Secret is unusable. Default: a self-signed certificate made at start-up.")
    String defaultSslCertificate;

    @Option(names = "--http-redirect-code", paramLabel = "CODE", defaultValue = "308",
            description = "Status of the redirects from HTTP to HTTPS: 301, 302, 307 or 308 (default: ${DEFAULT-VALUE}).")
    int httpRedirectCode;

    /**
     * @throws IllegalArgumentException naming the flag when a value is out of range
     */
    GatewayConfig apply(GatewayConfig config) {
        if (httpsPort < -1 || httpsPort > 65535) {
            throw new IllegalArgumentException("--https-port: " + httpsPort + " (expected: 0-65535, or -1 for none)");
        }
        if (httpRedirectCode != 301 && httpRedirectCode != 302 && httpRedirectCode != 307 && httpRedirectCode != 308) {
            throw new IllegalArgumentException("--http-redirect-code: " + httpRedirectCode
                    + " (expected: 301, 302, 307 or 308)");
        }
        return config.toBuilder().httpsPort(httpsPort).httpRedirectCode(httpRedirectCode).build();
    }

    /**
     * @throws IllegalArgumentException naming the flag when the value is not NAMESPACE/NAME
     */
    BuildOptions apply(BuildOptions options) {
        if (defaultSslCertificate == null) {
            return options;
        }
        String[] parts = defaultSslCertificate.split("/", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException("--default-ssl-certificate: " + defaultSslCertificate
                    + " (expected: NAMESPACE/NAME)");
        }
        return options.withDefaultCertificate(defaultSslCertificate);
    }
}
