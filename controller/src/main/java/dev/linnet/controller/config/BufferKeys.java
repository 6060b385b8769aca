package dev.linnet.controller.config;

import dev.linnet.controller.annotation.ProxyAnnotations;
import dev.linnet.controller.annotation.ValueType;
import dev.linnet.controller.annotation.WarningValue;
import dev.linnet.gateway.proxy.ClientBodyBuffer;

/**
 * The buffer keys Linnet accepts without acting on them (annotations-spec.md §6):
 * {@code proxy-buffering} (responses stream either way; what a client receives is the same),
 * {@code proxy-buffer-size} (upstream response heads are read up to the gateway's own limit, 64k:
 * larger values are warned about) and {@code proxy-buffers-number}. Each is validated, so a typo still gets its warning.
 * {@code client-body-buffer-size} does act: the bytes of a buffered request body kept in memory
 * before the rest goes to a temporary file, unless a route's annotation says otherwise.
 * {@code proxy-request-buffering}, which acts too, is an annotation default ({@link DefaultKeys}).
 */
final class BufferKeys {

    private BufferKeys() {
    }

    static void read(ConfigMapData d, SettingsBuilder out) {
        d.get("proxy-buffering", ValueType.ON_OFF, false);
        if (d.get("proxy-buffer-size", ValueType.SIZE, 4096L) > ProxyAnnotations.MAX_RESPONSE_HEAD) {
            d.warn("key proxy-buffer-size: " + WarningValue.quote(d.string("proxy-buffer-size")) + " is larger than"
                    + " the 64k Linnet reads of an upstream response head; a larger head gets 502");
        }
        d.get("proxy-buffers-number", ValueType.COUNT, 4);
        ClientBodyBuffer body = out.gateway().build().clientBody();
        out.gateway().clientBody(body.withMemorySize(d.get("client-body-buffer-size", ValueType.SIZE, body.memorySize())));
    }
}
