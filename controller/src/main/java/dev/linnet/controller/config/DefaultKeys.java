package dev.linnet.controller.config;

/** The keys of annotation defaults and global policies: ssl-redirect, force-ssl-redirect, whitelist-source-range, global-auth-*, no-auth-locations, load-balance. */
final class DefaultKeys {

    private DefaultKeys() {
    }

    static void read(ConfigMapData d, SettingsBuilder out) {
    }
}
