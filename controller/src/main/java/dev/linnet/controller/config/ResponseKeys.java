package dev.linnet.controller.config;

/** The keys of headers the gateway adds to responses and its TLS settings (annotations-spec.md §8.4, §3.5): hsts*, server-tokens, add-headers, ssl-protocols, ssl-ciphers. */
final class ResponseKeys {

    private ResponseKeys() {
    }

    static void read(ConfigMapData d, SettingsBuilder out) {
    }
}
