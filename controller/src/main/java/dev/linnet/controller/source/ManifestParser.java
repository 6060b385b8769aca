package dev.linnet.controller.source;

import static java.util.Objects.requireNonNull;

import dev.linnet.controller.annotation.WarningValue;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;

/**
 * Turns the text of one manifest file into the objects Linnet serves, with fabric8's own
 * serialization so that a file reads exactly as {@code kubectl apply -f} would read it.
 *
 * <p>YAML streams are split into documents here rather than by fabric8, so that an error can
 * name the line in the <em>file</em>, not in the document (fabric8 parses each document on its
 * own and its conversion errors carry no location at all).
 *
 * <p>All or nothing per file: if any document fails, the whole file fails and the caller keeps
 * that file's previous content. Serving half of a file would be a configuration nobody wrote.
 *
 * <p>The API server's size limits ({@link ManifestLimits}) are checked here as the API server
 * checks them: a document larger than one object may be is refused before it is parsed (the
 * parse of a huge scalar is what took seconds), and an object whose annotations exceed their
 * limit is refused, named, right after.
 */
final class ManifestParser {

    private static final Logger logger = LoggerFactory.getLogger(ManifestParser.class);

    static final String DEFAULT_NAMESPACE = "default";

    /** Kinds we would serve at another apiVersion: skipping those deserves a warning, not a debug line. */
    private static final Set<String> SERVED_KINDS = Set.of("Ingress", "IngressClass", "Service", "EndpointSlice", "Endpoints",
            "Secret", "ConfigMap");

    // Cheap looks into a document too large to parse, to name it in the refusal.
    private static final Pattern LIST = Pattern.compile("^kind:\\s*[\"']?List[\"']?\\s*$", Pattern.MULTILINE);
    private static final Pattern KIND = Pattern.compile("^kind:\\s*[\"']?([A-Za-z0-9]{1,63})", Pattern.MULTILINE);
    private static final Pattern NAME = Pattern.compile("^  name:\\s*[\"']?([-a-z0-9.]{1,253})", Pattern.MULTILINE);

    private final KubernetesSerialization serialization = new KubernetesSerialization();

    /**
     * @param file the file's name, for messages
     * @param text its content
     * @return the kept objects, namespaced (namespace {@value #DEFAULT_NAMESPACE} when absent)
     * @throws ManifestException when a document is not valid YAML/JSON or not a Kubernetes object
     */
    List<HasMetadata> parse(String file, String text) throws ManifestException {
        requireNonNull(file, "file");
        requireNonNull(text, "text");
        List<HasMetadata> kept = new ArrayList<>();
        for (Document doc : split(file, text)) {
            checkSize(file, doc);
            Object parsed;
            try {
                parsed = serialization.unmarshal(doc.text());
            } catch (RuntimeException e) {
                throw failure(file, doc, e);
            }
            if (parsed == null) {
                continue; // an empty document, or only comments
            }
            collect(file, doc, parsed, kept);
        }
        return kept;
    }

    private void collect(String file, Document doc, Object parsed, List<HasMetadata> kept) throws ManifestException {
        if (parsed instanceof List<?> list) { // fabric8 answers a list for a multi-document string
            for (Object o : list) {
                collect(file, doc, o, kept);
            }
        } else if (parsed instanceof KubernetesList list) { // kind: List, as `kubectl get -o yaml` writes
            // Typed List<HasMetadata>, but an item that is no object (`- - a`) arrives as a
            // RawExtension: read as Objects, so that it fails below instead of with a cast.
            List<?> items = list.getItems() == null ? List.of() : list.getItems();
            for (Object item : items) {
                collect(file, doc, item, kept);
            }
        } else if (parsed instanceof HasMetadata object) {
            keep(file, doc, object, kept);
        } else {
            throw new ManifestException(file, doc.firstLine(), "not a Kubernetes object (expected: apiVersion and kind)");
        }
    }

    private static void keep(String file, Document doc, HasMetadata object, List<HasMetadata> kept)
            throws ManifestException {
        String where = file + ':' + doc.firstLine();
        long annotations = annotationsBytes(object);
        if (annotations > ManifestLimits.MAX_ANNOTATIONS_BYTES) {
            throw new ManifestException(file, doc.firstLine(), object.getKind() + ' ' + name(object)
                    + ": annotations are " + annotations + " bytes (expected: at most "
                    + ManifestLimits.MAX_ANNOTATIONS_BYTES + ", the API server's limit)");
        }
        if (!isServed(object)) {
            if (SERVED_KINDS.contains(object.getKind())) {
                logger.warn("{}: {} {} at apiVersion {} is not served (expected: {}); skipped", where,
                        object.getKind(), name(object), object.getApiVersion(), expectedApiVersion(object.getKind()));
            } else if (object instanceof GenericKubernetesResource) {
                logger.debug("{}: unknown kind {}/{} skipped", where, object.getApiVersion(), object.getKind());
            } else {
                logger.debug("{}: {} {} skipped (not a kind Linnet reads)", where, object.getKind(), name(object));
            }
            return;
        }
        if (object.getMetadata() == null || object.getMetadata().getName() == null
                || object.getMetadata().getName().isEmpty()) {
            logger.warn("{}: {} without metadata.name skipped", where, object.getKind());
            return;
        }
        // IngressClass is cluster-scoped: it keeps no namespace, as the API server would.
        if (!(object instanceof IngressClass)) {
            String ns = object.getMetadata().getNamespace();
            if (ns == null || ns.isEmpty()) {
                object.getMetadata().setNamespace(DEFAULT_NAMESPACE);
            }
        }
        kept.add(object);
    }

    /**
     * Refuses, unparsed, a document larger than the API server stores for one object. A
     * {@code kind: List} document holds many objects and is exempt (its items are checked once
     * parsed, by their annotations).
     */
    private static void checkSize(String file, Document doc) throws ManifestException {
        String text = doc.text();
        if (text.length() <= ManifestLimits.MAX_OBJECT_BYTES / 3 || LIST.matcher(text).find()) {
            return; // cannot be too large even at 3 bytes a character; or a List
        }
        long bytes = ManifestLimits.utf8Length(text);
        if (bytes > ManifestLimits.MAX_OBJECT_BYTES) {
            Matcher kind = KIND.matcher(text);
            Matcher name = NAME.matcher(text);
            String what = (kind.find() ? kind.group(1) : "object") + (name.find() ? " " + name.group(1) : "");
            throw ManifestLimits.tooLarge(file, doc.firstLine(), what, bytes,
                    ManifestLimits.MAX_OBJECT_BYTES);
        }
    }

    /** Bytes of all annotation keys and values, as the API server counts them. */
    private static long annotationsBytes(HasMetadata o) {
        if (o.getMetadata() == null || o.getMetadata().getAnnotations() == null) {
            return 0;
        }
        long n = 0;
        for (var e : o.getMetadata().getAnnotations().entrySet()) {
            n += ManifestLimits.utf8Length(e.getKey()) + (e.getValue() == null ? 0 : ManifestLimits.utf8Length(e.getValue()));
        }
        return n;
    }

    private static boolean isServed(HasMetadata o) {
        return o instanceof Ingress || o instanceof IngressClass || o instanceof Service
                || o instanceof EndpointSlice || o instanceof Endpoints || o instanceof Secret
                || o instanceof ConfigMap;
    }

    private static String expectedApiVersion(String kind) {
        switch (kind) {
            case "Ingress":
            case "IngressClass":
                return "networking.k8s.io/v1";
            case "EndpointSlice":
                return "discovery.k8s.io/v1";
            default:
                return "v1";
        }
    }

    private static String name(HasMetadata o) {
        if (o.getMetadata() == null) {
            return "<no name>";
        }
        String ns = o.getMetadata().getNamespace();
        String name = ns == null ? o.getMetadata().getName() : ns + '/' + o.getMetadata().getName();
        // Unchecked in manifest mode until here: a name of any length must not make a long line.
        return name != null && name.length() > WarningValue.SHOWN ? WarningValue.quote(name) : name;
    }

    private static ManifestException failure(String file, Document doc, RuntimeException e) {
        int line = doc.firstLine();
        String reason = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYamlEngineException yaml) {
                if (yaml.getProblemMark().isPresent()) {
                    line = doc.firstLine() + yaml.getProblemMark().get().getLine();
                }
                reason = yaml.getContext() == null ? yaml.getProblem() : yaml.getContext() + ": " + yaml.getProblem();
                break;
            }
            if (t instanceof JacksonException json) {
                TokenStreamLocation location = json.getLocation();
                if (location != null && location.getLineNr() > 0) {
                    line = doc.firstLine() + location.getLineNr() - 1;
                }
                reason = json.getOriginalMessage() + pathOf(json);
                break;
            }
        }
        if (reason == null) {
            reason = String.valueOf(e.getMessage());
        }
        return new ManifestException(file, line, WarningValue.line(oneLine(reason)));
    }

    private static String pathOf(JacksonException e) {
        String path = e.getPathReference();
        return path == null || path.isEmpty() ? "" : " (at " + path + ')';
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    /**
     * Splits a YAML stream on its {@code ---} document markers, keeping each document's first
     * line. JSON cannot contain a line starting with {@code ---}, so it passes through whole.
     */
    static List<Document> split(String file, String text) {
        List<Document> docs = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int first = 1;
        int lineNo = 0;
        for (String line : text.split("\\R", -1)) {
            lineNo++;
            if (isDocumentStart(line) || line.equals("...")) {
                docs.add(new Document(first, current.toString()));
                current.setLength(0);
                first = lineNo;
                if (line.startsWith("---") && line.length() > 3) {
                    // `--- {inline: doc}` or `--- # comment`: keep the rest in place, columns intact
                    current.append("   ").append(line, 3, line.length());
                }
                current.append('\n');
                continue;
            }
            current.append(line).append('\n');
        }
        docs.add(new Document(first, current.toString()));
        docs.removeIf(d -> d.text().isBlank());
        return docs;
    }

    private static boolean isDocumentStart(String line) {
        return line.startsWith("---") && (line.length() == 3 || line.charAt(3) == ' ' || line.charAt(3) == '\t');
    }

    /**
     * One YAML document. Its text starts with {@code firstLine - 1} fewer lines than the file;
     * the marker line itself is kept as an empty line so that parser line numbers stay aligned:
     * line {@code n} of the document is line {@code firstLine + n - 1} of the file.
     */
    record Document(int firstLine, String text) {
    }
}
