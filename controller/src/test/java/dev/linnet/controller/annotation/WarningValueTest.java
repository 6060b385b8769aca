package dev.linnet.controller.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WarningValueTest {

    @Test
    void aShortValueIsQuotedWhole() {
        assertThat(WarningValue.quote("ten")).isEqualTo("\"ten\"");
        assertThat(WarningValue.quote("a\"b\\c\nd")).isEqualTo("\"a\\\"b\\\\c\\nd\"");
        assertThat(WarningValue.quote("x".repeat(WarningValue.SHOWN))).hasSize(WarningValue.SHOWN + 2);
    }

    @Test
    void aLongValueShowsItsFirstHundredCharactersAndItsLength() {
        assertThat(WarningValue.quote("ab".repeat(500_000)))
                .isEqualTo("\"" + "ab".repeat(50) + "…\" (1000000 characters)");
    }

    @Test
    void aCutNeverSplitsASurrogatePair() {
        String value = "x".repeat(WarningValue.SHOWN - 1) + "😀".repeat(10);

        assertThat(WarningValue.quote(value)).isEqualTo("\"" + "x".repeat(WarningValue.SHOWN - 1) + "…\" (119 characters)");
    }

    @Test
    void anInvalidMegabyteCanaryWeightMakesAShortWarning() {
        String huge = "1".repeat(1 << 20) + "x";
        List<String> warnings = new ArrayList<>();

        CanaryAnnotations.parse(Map.of("nginx.ingress.kubernetes.io/canary", "true",
                "nginx.ingress.kubernetes.io/canary-weight", huge), "nginx.ingress.kubernetes.io", warnings::add);

        assertThat(warnings).singleElement().asString()
                .hasSizeLessThan(300)
                .startsWith("annotation nginx.ingress.kubernetes.io/canary-weight: \"" + "1".repeat(100) + "…\"")
                .contains("(1048577 characters) is invalid (expected: an integer); using 0");
    }

    @Test
    void aWholeWarningIsCutAtTheEventLimit() {
        String line = WarningValue.line("path /" + "p".repeat(5000) + " is wrong");

        assertThat(line).hasSize(WarningValue.MAX_LINE).endsWith("… (5015 characters)");
        assertThat(WarningValue.line("short")).isEqualTo("short");
    }
}
