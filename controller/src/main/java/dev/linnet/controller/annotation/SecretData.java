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

    /**
     * One key as text: {@code stringData} (which the API server merges over {@code data}) else the
     * decoded {@code data}; {@code null} when neither has it.
     *
     * @throws IllegalArgumentException when its {@code data} value is not base64
     */
    static String text(Secret secret, String key) {
        String plain = secret.getStringData() == null ? null : secret.getStringData().get(key);
        if (plain != null) {
            return plain;
        }
        String base64 = secret.getData() == null ? null : secret.getData().get(key);
        if (base64 == null) {
            return null;
        }
        try {
            return new String(Base64.getMimeDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("data." + key + " is not base64", e);
        }
    }
}
