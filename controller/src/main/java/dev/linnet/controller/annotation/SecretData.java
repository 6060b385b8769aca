package dev.linnet.controller.annotation;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** A Secret's content as bytes, the way the API server would store it. */
final class SecretData {

    private SecretData() {
    }

    /**
     * {@code data} (base64, as the API server returns it) and {@code stringData} (manifest files;
     * the API server merges it over {@code data}, so it wins here too).
     *
     * @throws IllegalArgumentException naming the key whose {@code data} value is not base64
     */
    static Map<String, byte[]> of(Secret secret) {
        Map<String, byte[]> out = new HashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> {
                try {
                    out.put(k, Base64.getMimeDecoder().decode(v == null ? "" : v));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("data." + k + " is not base64", e);
                }
            });
        }
        if (secret.getStringData() != null) {
            secret.getStringData().forEach((k, v) -> out.put(k, (v == null ? "" : v).getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }
}
