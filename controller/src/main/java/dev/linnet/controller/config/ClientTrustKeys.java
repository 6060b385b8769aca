package dev.linnet.controller.config;

/** The keys of client address trust (annotations-spec.md §4): use-forwarded-headers, enable-real-ip, forwarded-for-header, compute-full-forwarded-for, proxy-real-ip-cidr, use-proxy-protocol, generate-request-id, proxy-add-original-uri-header, proxy-set-headers. */
final class ClientTrustKeys {

    private ClientTrustKeys() {
    }

    static void read(ConfigMapData d, SettingsBuilder out) {
    }
}
