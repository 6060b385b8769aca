package dev.linnet.controller.annotation;

import dev.linnet.gateway.policy.BasicAuth;
import dev.linnet.gateway.policy.DigestAuth;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code auth-type}, {@code auth-secret}, {@code auth-secret-type}, {@code auth-realm}: the
 * {@link BasicAuth} or {@link DigestAuth} policy, with ingress-nginx's outcome for each bad value
 * (auth-limits-spec.md §2, its {@code auth/main.go}):
 *
 * <pre>
 *   auth-type absent or ""          no authentication (even with auth-secret set)
 *   auth-type not exactly basic|digest                      DROP  ([DIFF] "xbasic": ingress-nginx breaks its config)
 *   auth-secret-type not auth-file|auth-map                 DROP, or DENY when it contains one ("auth-files")
 *   auth-realm outside letters, digits, space, / - . _ ~ :  DROP
 *   auth-secret missing, malformed, of another namespace,
 *     absent, or without its "auth" key                     DENY (503)
 * </pre>
 *
 * The Secret's htpasswd content is parsed here, once ({@link Htpasswd}).
 */
public final class BasicAuthAnnotations {

    static final String FILE = "auth-file";
    static final String MAP = "auth-map";

    public static final AnnotationKey<String> AUTH_TYPE = AnnotationKey.prefixed(
            "auth-type", ValueType.VERBATIM, "", "no authentication",
            "basic or digest: require credentials from auth-secret (absent: no authentication)");
    public static final AnnotationKey<String> AUTH_SECRET = AnnotationKey.prefixed(
            "auth-secret", ValueType.BASIC_CHARS, "", "none",
            "the Secret of users (name or namespace/name, same namespace); any problem with it answers 503");
    public static final AnnotationKey<String> AUTH_SECRET_TYPE = AnnotationKey.prefixed(
            "auth-secret-type", ValueType.VERBATIM, FILE, "auth-file",
            "auth-file: key 'auth' holds an htpasswd file; auth-map: every key is a user, its value the hash");
    public static final AnnotationKey<String> AUTH_REALM = AnnotationKey.prefixed(
            "auth-realm", ValueType.BASIC_CHARS, "", "an empty realm",
            "the realm of the WWW-Authenticate challenge (\"off\" is a realm like any other)");

    public static final List<AnnotationKey<?>> KEYS = List.of(AUTH_TYPE, AUTH_SECRET, AUTH_SECRET_TYPE, AUTH_REALM);

    private BasicAuthAnnotations() {
    }

    /** Adds the policy, a DENY or a DROP to {@code c}; nothing when auth-type is absent or empty. */
    public static void parse(PolicyCollector c) {
        Map<String, String> annotations = c.annotations();
        String prefix = c.prefix();
        String type = strip(AUTH_TYPE.raw(annotations, prefix));
        if (type.isEmpty()) {
            return;
        }
        if (!type.equals("basic") && !type.equals("digest")) {
            c.drop(AUTH_TYPE.describe(prefix, type) + " is invalid (expected: basic or digest)"
                    + (type.contains("basic") || type.contains("digest")
                    ? " (ingress-nginx accepts it and then fails to load its configuration)" : ""));
            return;
        }
        String secretType = strip(AUTH_SECRET_TYPE.raw(annotations, prefix));
        if (secretType.isEmpty()) {
            secretType = FILE;
        }
        if (!secretType.equals(FILE) && !secretType.equals(MAP)) {
            String problem = AUTH_SECRET_TYPE.describe(prefix, secretType) + " is invalid (expected: auth-file or auth-map)";
            if (secretType.contains(FILE) || secretType.contains(MAP)) {
                c.deny(problem);
            } else {
                c.drop(problem);
            }
            return;
        }
        String rawRealm = AUTH_REALM.raw(annotations, prefix);
        String realm = rawRealm == null ? "" : ValueType.BASIC_CHARS.parse(rawRealm);
        if (realm == null) {
            c.drop(AUTH_REALM.describe(prefix, rawRealm) + " is invalid (expected: " + AUTH_REALM.expected()
                    + " and spaces)");
            return;
        }
        if (realm.equals("off") && c.asIngressNginx()) {
            c.warn(Deviation.note(AUTH_REALM.fullName(prefix), "\"off\" switches nginx's auth_basic off, so"
                    + " ingress-nginx serves the Ingress without authentication; Linnet asks for credentials with"
                    + " realm=\"off\""));
            return;
        }
        if (realm.equals("off")) {
            c.warn(AUTH_REALM.describe(prefix, realm) + " is a realm: authentication stays on (ingress-nginx"
                    + " would switch it off)");
        }
        String content = secretContent(c, secretType);
        if (content == null) {
            return; // denied
        }
        String where = "Secret " + strip(AUTH_SECRET.raw(annotations, prefix));
        if (type.equals("basic")) {
            c.add(new BasicAuth(realm, Htpasswd.basic(content, where, c::warn)));
        } else {
            c.add(new DigestAuth(realm, Htpasswd.digest(content, realm, where, c::warn)));
        }
    }

    /** The htpasswd text the Secret gives, or {@code null} after a DENY. */
    private static String secretContent(PolicyCollector c, String secretType) {
        String prefix = c.prefix();
        String raw = strip(AUTH_SECRET.raw(c.annotations(), prefix));
        if (raw.isEmpty()) {
            c.deny(AUTH_SECRET.describe(prefix, "") + " is missing (expected: the name of a Secret of users)");
            return null;
        }
        if (ValueType.BASIC_CHARS.parse(raw) == null) {
            c.deny(AUTH_SECRET.describe(prefix, raw) + " is invalid (expected: " + AUTH_SECRET.expected() + ")");
            return null;
        }
        String[] parts = raw.split("/", -1);
        if (parts.length > 2 || parts[parts.length - 1].isEmpty()) {
            c.deny(AUTH_SECRET.describe(prefix, raw) + " is invalid (expected: name or namespace/name)");
            return null;
        }
        String namespace = parts.length == 2 && !parts[0].isEmpty() ? parts[0] : c.namespace();
        String name = parts[parts.length - 1];
        if (!namespace.equals(c.namespace())) {
            c.deny(AUTH_SECRET.describe(prefix, raw) + " names a Secret of another namespace (expected: one of "
                    + c.namespace() + ", as ingress-nginx's allow-cross-namespace-resources: false)");
            return null;
        }
        Secret secret = c.lookup().secret(namespace, name);
        if (secret == null) {
            c.deny(AUTH_SECRET.describe(prefix, raw) + ": Secret " + namespace + '/' + name + " not found");
            return null;
        }
        Map<String, byte[]> data;
        try {
            data = SecretData.of(secret);
        } catch (IllegalArgumentException e) {
            c.deny(AUTH_SECRET.describe(prefix, raw) + ": Secret " + namespace + '/' + name + ": " + e.getMessage());
            return null;
        }
        if (secretType.equals(FILE)) {
            byte[] file = data.get("auth");
            if (file == null) {
                c.deny(AUTH_SECRET.describe(prefix, raw) + ": Secret " + namespace + '/' + name
                        + " has no key auth (expected: an htpasswd file under key auth)");
                return null;
            }
            return Htpasswd.text(file);
        }
        // auth-map: "key:value\n" per entry, as ingress-nginx writes its file (in Go map order,
        // meaningless here: keys are unique, so the first-match rule never has to choose).
        StringBuilder file = new StringBuilder();
        new TreeMap<>(data).forEach((user, hash) -> file.append(user).append(':').append(Htpasswd.text(hash)).append('\n'));
        return file.toString();
    }

    private static String strip(String raw) {
        return raw == null ? "" : raw.strip();
    }
}
