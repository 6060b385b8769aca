package dev.linnet.controller.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AnnotationKeyTest {

    /**
     * Found by ValueParsersPropertyTest: NEL and the Unicode line and paragraph separators went
     * into warnings unescaped, so an annotation value could start what looks like a new log line.
     */
    @Test
    void aQuotedValueEscapesEveryLineBreakAndControlCharacter() {
        assertThat(AnnotationKey.quote("a\nb\rc\td\u0000e\u007ff\u0085g\u2028h\u2029i\"j\\k"))
                .isEqualTo("\"a\\nb\\rc\\td\\u0000e\\u007ff\\u0085g\\u2028h\\u2029i\\\"j\\\\k\"");
        assertThat(AnnotationKey.quote("é ü 日本")).isEqualTo("\"é ü 日本\"");
    }
}
