package dev.linnet.controller.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ManifestParserListTest {

    private final ManifestParser parser = new ManifestParser();

    /**
     * Found by ManifestParserPropertyTest: an item of a {@code kind: List} that is no object
     * reached the parser as a RawExtension and escaped as a ClassCastException, which aborted the
     * file source's poll (a stack trace every poll, later files not read) instead of naming the line.
     */
    @Test
    void aListItemThatIsNoObjectFailsTheFileWithItsLine() {
        String text = """
                apiVersion: v1
                kind: Service
                metadata: {name: app}
                ---
                apiVersion: v1
                kind: List
                items:
                - kind: Service
                  metadata: {name: no-api-version}
                """;
        assertThatThrownBy(() -> parser.parse("f.yaml", text)).isInstanceOf(ManifestException.class)
                .hasMessage("f.yaml:4: not a Kubernetes object (expected: apiVersion and kind)");
    }

    @Test
    void aListWithoutItemsIsEmpty() throws ManifestException {
        assertThat(parser.parse("f.yaml", "apiVersion: v1\nkind: List\n")).isEmpty();
        assertThat(parser.parse("f.yaml", "apiVersion: v1\nkind: List\nitems: null\n")).isEmpty();
    }
}
