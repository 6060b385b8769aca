package dev.linnet.controller.config;

/** The keys of the access log (annotations-spec.md §7): log-format-upstream, the escape modes, disable-access-log, access-log-path, skip-access-log-urls. */
final class AccessLogKeys {

    private AccessLogKeys() {
    }

    static void read(ConfigMapData d, SettingsBuilder out) {
    }
}
