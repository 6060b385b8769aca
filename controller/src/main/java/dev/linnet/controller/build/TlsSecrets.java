package dev.linnet.controller.build;

import dev.linnet.gateway.tls.InvalidCertificateException;
import dev.linnet.gateway.tls.TlsCertificate;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The TLS Secrets of one build, parsed and checked once each however many hosts name them. A
 * Secret is usable when it exists, has type {@code kubernetes.io/tls}, its {@code tls.crt} and
 * {@code tls.key} parse, the key belongs to the certificate and "now" (the build's clock) is
 * within the certificate's validity. Whether it covers a given host is the caller's question.
 */
final class TlsSecrets {

    static final String TLS_TYPE = "kubernetes.io/tls";

    /** A usable certificate, or why there is none ({@code problem} names the Secret). */
    record Resolved(TlsCertificate certificate, String problem) {
    }

    private final Map<String, Secret> byKey = new HashMap<>();
    private final Map<String, Resolved> resolved = new HashMap<>();
    private final Clock clock;

    TlsSecrets(List<Secret> secrets, Clock clock) {
        this.clock = clock;
        for (Secret s : secrets) {
            if (s.getMetadata() != null && s.getMetadata().getName() != null) {
                byKey.put(s.getMetadata().getNamespace() + '/' + s.getMetadata().getName(), s);
            }
        }
    }

    Resolved resolve(String namespace, String name) {
        String key = namespace + '/' + name;
        return resolved.computeIfAbsent(key, k -> check(k, byKey.get(k)));
    }

    private Resolved check(String key, Secret secret) {
        String what = "Secret " + key;
        if (secret == null) {
            return problem(what + " not found (expected: a Secret of type " + TLS_TYPE + ')');
        }
        if (!TLS_TYPE.equals(secret.getType())) {
            return problem(what + " has type " + secret.getType() + " (expected: " + TLS_TYPE + ')');
        }
        TlsCertificate c;
        try {
            c = TlsCertificate.fromPem(key, field(secret, "tls.crt"), field(secret, "tls.key"));
        } catch (InvalidCertificateException e) {
            return problem(what + ": " + e.getMessage());
        }
        Instant now = clock.instant();
        if (now.isAfter(c.notAfter())) {
            return problem(what + ": the certificate expired at " + c.notAfter());
        }
        if (now.isBefore(c.notBefore())) {
            return problem(what + ": the certificate is not valid before " + c.notBefore());
        }
        return new Resolved(c, null);
    }

    /** {@code data} (base64, as the API server returns it), else {@code stringData} (manifest files). */
    private static String field(Secret secret, String name) {
        String base64 = secret.getData() == null ? null : secret.getData().get(name);
        if (base64 != null) {
            try {
                return new String(Base64.getMimeDecoder().decode(base64), StandardCharsets.US_ASCII);
            } catch (IllegalArgumentException e) {
                throw new InvalidCertificateException("data." + name + " is not base64");
            }
        }
        String plain = secret.getStringData() == null ? null : secret.getStringData().get(name);
        if (plain == null) {
            throw new InvalidCertificateException("has no " + name);
        }
        return plain;
    }

    private static Resolved problem(String message) {
        return new Resolved(null, message);
    }
}
