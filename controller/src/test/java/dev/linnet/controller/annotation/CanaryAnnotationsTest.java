package dev.linnet.controller.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.route.Backend;
import dev.linnet.gateway.route.CanaryRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** canary-spec.md §1 and the §6.4 parser table (P0-P8), plus Linnet's deliberate differences 2 and 4. */
class CanaryAnnotationsTest {

    private static final String P = "nginx.ingress.kubernetes.io";

    private record Parsed(CanaryAnnotations value, List<String> warnings) {
    }

    /** Key/value pairs; keys without a '/' get the default prefix. */
    private static Parsed parse(String... kv) {
        return parseWithPrefix(P, kv);
    }

    private static Parsed parseWithPrefix(String prefix, String... kv) {
        Map<String, String> annotations = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            annotations.put(kv[i].contains("/") ? kv[i] : P + "/" + kv[i], kv[i + 1]);
        }
        List<String> warnings = new ArrayList<>();
        CanaryAnnotations value = CanaryAnnotations.parse(annotations, prefix, warnings::add);
        return new Parsed(value, warnings);
    }

    @Test
    void noAnnotationsIsAnOrdinaryIngressWithoutWarnings() { // P0
        assertThat(parse()).isEqualTo(new Parsed(CanaryAnnotations.NONE, List.of()));
        List<String> warnings = new ArrayList<>();
        assertThat(CanaryAnnotations.parse(null, P, warnings::add)).isEqualTo(CanaryAnnotations.NONE);
        assertThat(warnings).isEmpty();
    }

    @ParameterizedTest(name = "{0}: canary={1} weight={2} header={3} cookie={4}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            P1 | false | 0  | ''       | ''             | false | 0  | -        | -              | false
            P2 | false | 20 | ''       | ''             | false | 0  | -        | -              | true
            P3 | false | 0  | X-Canary | ''             | false | 0  | -        | -              | true
            P4 | false | 0  | ''       | canary_enabled | false | 0  | -        | -              | true
            P5 | true  | 20 | ''       | ''             | true  | 20 | -        | -              | false
            P6 | true  | 0  | ''       | ''             | true  | 0  | -        | -              | false
            P7 | true  | 20 | X-Canary | ''             | true  | 20 | X-Canary | -              | false
            P8 | true  | 20 | ''       | canary_enabled | true  | 20 | -        | canary_enabled | false
            """)
    void parserTableOfIngressNginx(String id, String canary, String weight, String header, String cookie,
            boolean enabled, int expectedWeight, String expectedHeader, String expectedCookie,
            boolean configuredButNotEnabled) {
        Parsed p = parse("canary", canary, "canary-weight", weight, "canary-by-header", header,
                "canary-by-cookie", cookie);
        assertThat(p.value().enabled()).isEqualTo(enabled);
        assertThat(p.value().weight()).isEqualTo(expectedWeight);
        assertThat(p.value().header()).isEqualTo(expectedHeader);
        assertThat(p.value().cookie()).isEqualTo(expectedCookie);
        if (configuredButNotEnabled) {
            assertThat(p.warnings()).singleElement().asString()
                    .startsWith("annotation " + P + "/canary: \"false\" is not true but ")
                    .endsWith("set; the canary annotations are ignored and this Ingress is served as an ordinary"
                            + " Ingress, as ingress-nginx does");
        } else {
            assertThat(p.warnings()).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "t", "T", "TRUE", "true", "True"})
    void canaryAcceptsGoParseBoolTrueForms(String v) {
        assertThat(parse("canary", v)).isEqualTo(new Parsed(
                new CanaryAnnotations(true, 0, 100, null, null, null, null), List.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "f", "F", "FALSE", "false", "False"})
    void canaryAcceptsGoParseBoolFalseForms(String v) {
        assertThat(parse("canary", v)).isEqualTo(new Parsed(CanaryAnnotations.NONE, List.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {" true", "true ", "yes", "on", "tRUE", "2", "", "y"})
    void canaryRejectsEverythingElseWithoutTrimming(String v) {
        Parsed p = parse("canary", v);
        assertThat(p.value()).isEqualTo(CanaryAnnotations.NONE);
        assertThat(p.warnings()).containsExactly("annotation " + P + "/canary: \"" + v
                + "\" is invalid (expected: true or false); using false");
    }

    @ParameterizedTest(name = "weight \"{0}\" -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            10                   | 10
            +10                  | 10
            -5                   | -5
            007                  | 7
            -0                   | 0
            9223372036854775807  | 2147483647
            -9223372036854775808 | -2147483648
            """)
    void weightFollowsGoAtoiIncludingSignsAndTheInt64Range(String raw, int expected) {
        Parsed p = parse("canary", "true", "canary-weight", raw);
        assertThat(p.value().weight()).isEqualTo(expected);
        assertThat(p.warnings()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ten", "1.5", "10.0", "1e3", " 10", "10 ", "", "+", "-", "--1", "+-1", "1_000", "0x10",
        "\u0663", "9223372036854775808", "-9223372036854775809"})
    void weightRejectsWhatGoAtoiRejects(String raw) {
        Parsed p = parse("canary", "true", "canary-weight", raw);
        assertThat(p.value().weight()).isZero();
        assertThat(p.warnings()).containsExactly("annotation " + P + "/canary-weight: "
                + AnnotationKey.quote(raw) + " is invalid (expected: an integer); using 0");
    }

    @Test
    void invalidWeightWarningNamesKeyValueAndExpectation() {
        assertThat(parse("canary", "true", "canary-weight", "ten").warnings()).containsExactly(
                "annotation nginx.ingress.kubernetes.io/canary-weight: \"ten\" is invalid (expected: an integer);"
                        + " using 0");
    }

    @Test
    void intParserIsExactAtTheInt64Edges() {
        assertThat(ValueType.INT.parse("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        assertThat(ValueType.INT.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(ValueType.INT.parse("92233720368547758070")).isNull();
        assertThat(ValueType.INT.parse("00000000000000000000000000001")).isEqualTo(1L);
    }

    @ParameterizedTest(name = "weight-total \"{0}\" -> {1}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            -           | 100
            100         | 100
            1000        | 1000
            200         | 200
            """)
    void weightTotalIsUsedAsGiven(String raw, int expected) {
        Parsed p = raw == null ? parse("canary", "true", "canary-weight", "5")
                : parse("canary", "true", "canary-weight", "5", "canary-weight-total", raw);
        assertThat(p.value().weightTotal()).isEqualTo(expected);
        assertThat(p.warnings()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "2147483648"})
    void weightTotalAtOrBelowZeroOrBeyondIntRangeWarnsAndUses100(String raw) {
        Parsed p = parse("canary", "true", "canary-weight-total", raw);
        assertThat(p.value().weightTotal()).isEqualTo(100);
        assertThat(p.warnings()).containsExactly("annotation " + P + "/canary-weight-total: \"" + raw
                + "\" is invalid (expected: an integer between 1 and 2147483647); using 100");
    }

    @Test
    void unparsableWeightTotalWarnsAndUses100() {
        Parsed p = parse("canary", "true", "canary-weight-total", "1k");
        assertThat(p.value().weightTotal()).isEqualTo(100);
        assertThat(p.warnings()).containsExactly("annotation " + P + "/canary-weight-total: \"1k\" is invalid"
                + " (expected: an integer); using 100");
    }

    @Test
    void weightTotalBelow100IsKeptAndWarnsThatIngressNginxUsed100() { // DESIGN.md difference 2
        Parsed p = parse("canary", "true", "canary-weight", "25", "canary-weight-total", "50");
        assertThat(p.value().weight()).isEqualTo(25);
        assertThat(p.value().weightTotal()).isEqualTo(50);
        assertThat(p.warnings()).containsExactly("annotation " + P + "/canary-weight-total: \"50\" is below 100:"
                + " weight 25 of total 50 is 25/50 here; ingress-nginx used 25/100");
    }

    @Test
    void stringValuesAreTrimmedAndBlankMeansUnset() {
        Parsed p = parse("canary", "true", "canary-by-header", "  X-Canary ", "canary-by-header-value", " a b ",
                "canary-by-cookie", "   ");
        assertThat(p.value().header()).isEqualTo("X-Canary");
        assertThat(p.value().headerValue()).isEqualTo("a b"); // spaces pass BasicChars; inner ones are kept
        assertThat(p.value().cookie()).isNull();
        assertThat(p.warnings()).isEmpty();
    }

    @Test
    void presentButEmptyStringIsUnsetWithoutWarning() {
        Parsed p = parse("canary", "true", "canary-by-header", "", "canary-by-cookie", "",
                "canary-by-header-pattern", "");
        assertThat(p.value()).isEqualTo(new CanaryAnnotations(true, 0, 100, null, null, null, null));
        assertThat(p.warnings()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"canary-by-header", "canary-by-header-value", "canary-by-cookie"})
    void basicCharsAcceptLettersDigitsAndSlashDashDotUnderscoreTildeColon(String key) {
        Parsed p = parse("canary", "true", "canary-by-header", "H", key, "/aZ09-._~:");
        assertThat(p.warnings()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a,b", "a=b", "a;b", "a*", "a\rb", "a\nb", "a\n", "\tab", "caf\u00e9", "a\"b", "a@b",
        "a!b", "a#b"})
    void basicCharsRejectCommaEqualsSemicolonStarLineBreaksAndTheRest(String raw) {
        for (String key : List.of("canary-by-header", "canary-by-header-value", "canary-by-cookie")) {
            Parsed p = parse("canary", "true", "canary-by-header", "H", key, raw);
            String expected = "annotation " + P + "/" + key + ": " + AnnotationKey.quote(raw)
                    + " is invalid (expected: letters, digits and / - . _ ~ : only); using \"\"";
            assertThat(p.warnings()).as(key).contains(expected);
            String value = switch (key) {
                case "canary-by-header" -> p.value().header();
                case "canary-by-header-value" -> p.value().headerValue();
                default -> p.value().cookie();
            };
            assertThat(value).as(key).isNull();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"^Do[A-Z][a-z]+y$", "cd|sz", "[][**da?$&*", "a{2}\\d", "(a+)+$", "x=y&z"})
    void headerPatternAcceptsIsValidRegexCharacters(String raw) {
        Parsed p = parse("canary", "true", "canary-by-header", "H", "canary-by-header-pattern", raw);
        assertThat(p.value().headerPattern()).isNotNull();
        assertThat(p.value().headerPattern().source()).isEqualTo(raw);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", " cd", "cd ", "a,b", "a!", "#a", "a\nb", "a\r", "a;b", "a%b"})
    void headerPatternRejectsSpaceCommaBangHashAndLineBreaks(String raw) {
        Parsed p = parse("canary", "true", "canary-by-header", "H", "canary-by-header-pattern", raw);
        assertThat(p.value().headerPattern()).isNull();
        assertThat(p.warnings()).singleElement().asString()
                .startsWith("annotation " + P + "/canary-by-header-pattern: " + AnnotationKey.quote(raw)
                        + " is invalid (expected: a regular expression of")
                .endsWith("; using \"\"");
    }

    @Test
    void headerPatternThatDoesNotCompileIsKeptAndWarnsRequestsGoToStable() { // e2e E11, difference 4
        Parsed p = parse("canary", "true", "canary-by-header", "CanaryByHeader",
                "canary-by-header-pattern", "[][**da?$&*");
        assertThat(p.value().headerPattern()).isNotNull();
        assertThat(p.value().headerPattern().isValid()).isFalse();
        assertThat(p.warnings()).singleElement().asString()
                .startsWith("annotation " + P + "/canary-by-header-pattern: \"[][**da?$&*\" does not compile (")
                .endsWith("); requests carrying header CanaryByHeader will go to stable, as ingress-nginx does on"
                        + " a regex error");
    }

    @Test
    void headerValueWinsOverPatternWhichIsDroppedWithAWarning() { // e2e E10
        Parsed p = parse("canary", "true", "canary-by-header", "H", "canary-by-header-value", "DoCanary",
                "canary-by-header-pattern", "^Do[A-Z][a-z]+y$");
        assertThat(p.value().headerValue()).isEqualTo("DoCanary");
        assertThat(p.value().headerPattern()).isNull();
        assertThat(p.warnings()).containsExactly("annotation " + P + "/canary-by-header-pattern: \"^Do[A-Z][a-z]+y$\""
                + " is ignored because " + P + "/canary-by-header-value is set");
    }

    @Test
    void headerValueAndPatternWithoutHeaderHaveNoEffectAndWarn() {
        Parsed p = parse("canary", "true", "canary-by-header-value", "v", "canary-by-header-pattern", "p");
        assertThat(p.value()).isEqualTo(new CanaryAnnotations(true, 0, 100, null, null, null, null));
        assertThat(p.warnings()).containsExactly(
                "annotation " + P + "/canary-by-header-value: \"v\" has no effect without " + P
                        + "/canary-by-header; ignored",
                "annotation " + P + "/canary-by-header-pattern: \"p\" has no effect without " + P
                        + "/canary-by-header; ignored");
    }

    @Test
    void configuredButNotEnabledNamesEveryConfiguredKey() {
        Parsed p = parse("canary-weight", "10", "canary-by-header", "H", "canary-by-header-value", "v",
                "canary-by-header-pattern", "p", "canary-by-cookie", "c");
        assertThat(p.value()).isEqualTo(CanaryAnnotations.NONE);
        assertThat(p.warnings()).containsExactly("annotation " + P + "/canary is absent but " + P + "/canary-weight, "
                + P + "/canary-by-header, " + P + "/canary-by-header-value, " + P + "/canary-by-header-pattern, "
                + P + "/canary-by-cookie are set; the canary annotations are ignored and this Ingress is served as"
                + " an ordinary Ingress, as ingress-nginx does");
    }

    @Test
    void invalidCanaryWithCanaryConfigurationWarnsTwice() {
        Parsed p = parse("canary", "yes", "canary-by-cookie", "c");
        assertThat(p.value()).isEqualTo(CanaryAnnotations.NONE);
        assertThat(p.warnings()).containsExactly(
                "annotation " + P + "/canary: \"yes\" is invalid (expected: true or false); using false",
                "annotation " + P + "/canary: \"yes\" is not true but " + P + "/canary-by-cookie is set; the canary"
                        + " annotations are ignored and this Ingress is served as an ordinary Ingress, as"
                        + " ingress-nginx does");
    }

    @Test
    void negativeOrZeroWeightAloneIsNotConfiguration() {
        assertThat(parse("canary-weight", "-5").warnings()).isEmpty();
        assertThat(parse("canary", "false", "canary-weight", "0", "canary-weight-total", "1000").warnings())
                .isEmpty();
    }

    @Test
    void customPrefixReplacesTheNginxOne() {
        Parsed p = parseWithPrefix("example.com", "example.com/canary", "true", "example.com/canary-weight", "30",
                "canary-weight", "70");
        assertThat(p.value().enabled()).isTrue();
        assertThat(p.value().weight()).isEqualTo(30);
        assertThat(parseWithPrefix("example.com", "canary", "true").value()).isEqualTo(CanaryAnnotations.NONE);
    }

    @Test
    void ruleCarriesEffectiveValues() {
        Parsed p = parse("canary", "true", "canary-by-header", "X_Canary", "canary-by-cookie", "ck",
                "canary-weight", "10", "canary-weight-total", "1000");
        Backend b = Backend.of("ns", "svc", "80", List.of());
        assertThat(p.value().toRule("ns", "ing", b)).isEqualTo(
                new CanaryRule("ns", "ing", b, "X-Canary", null, null, "ck", 10, 1000));
    }

    @Test
    void affinityCanaryBehaviorLegacyOrSticky() {
        Backend b = Backend.of("ns", "svc", "80", List.of());
        assertThat(parse("canary", "true", "affinity-canary-behavior", "legacy").value().toRule("ns", "ing", b)
                .legacyAffinity()).isTrue();
        assertThat(parse("canary", "true", "affinity-canary-behavior", "sticky").value().legacyAffinity()).isFalse();
        Parsed invalid = parse("canary", "true", "affinity-canary-behavior", "Legacy");
        assertThat(invalid.value().legacyAffinity()).isFalse();
        assertThat(invalid.warnings()).containsExactly("annotation " + P + "/affinity-canary-behavior: \"Legacy\""
                + " is invalid (expected: sticky or legacy); using \"sticky\"");
    }

    @Test
    void everyKeyIsDocumentedAndUnderThePrefix() {
        assertThat(CanaryAnnotations.KEYS).hasSize(8).allSatisfy(k -> {
            assertThat(k.doc()).isNotBlank();
            assertThat(k.fullName(P)).startsWith(P + "/").contains("canary");
        });
        assertThat(IngressClassAnnotations.INGRESS_CLASS.fullName(P)).isEqualTo("kubernetes.io/ingress.class");
    }
}
