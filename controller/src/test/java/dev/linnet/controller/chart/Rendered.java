package dev.linnet.controller.chart;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The objects one rendering of the chart produced, parsed with fabric8 as kubectl would read them. */
record Rendered(List<HasMetadata> objects) {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

    Rendered {
        objects = List.copyOf(objects);
    }

    /** Parses {@code helm template} output: YAML documents separated by {@code ---}. */
    static Rendered ofYaml(String manifests) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : DOCUMENT_SEPARATOR.split(manifests)) {
            if (document.lines().anyMatch(line -> !line.isBlank() && !line.stripLeading().startsWith("#"))) {
                objects.add(SERIALIZATION.unmarshal(document));
            }
        }
        return new Rendered(objects);
    }

    /** Parses the JSON bodies Helm sent to an API server. */
    static Rendered ofJson(List<String> bodies) {
        return new Rendered(bodies.stream().map(body -> (HasMetadata) SERIALIZATION.unmarshal(body)).toList());
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    List<HasMetadata> ofKind(String kind) {
        return objects.stream().filter(o -> o.getKind().equals(kind)).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        requireNonNull(name, "name");
        return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
    }

    <T extends HasMetadata> T get(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError(
                "no " + type.getSimpleName() + " named " + name + " in " + kindsAndNames()));
    }

    /** {@code Kind/name} of every object, for assertions and failure messages. */
    List<String> kindsAndNames() {
        return objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).sorted().toList();
    }
}
