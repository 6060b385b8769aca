package dev.linnet.controller.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Set;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * The annotation value parsers we wrote ourselves (issue 14 item 12), each against a model:
 * Go's {@code strconv.ParseBool} and {@code Atoi}, nginx's size syntax. None of them throws; an
 * invalid value is {@code null} (or -1), for the caller's warning.
 */
class ValueParsersPropertyTest {

    private static final Set<String> GO_BOOLS = Set.of("1", "t", "T", "TRUE", "true", "True",
            "0", "f", "F", "FALSE", "false", "False");
    private static final Pattern GO_INT = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern NGINX_SIZE = Pattern.compile("([0-9]{1,18})([kKmMgG]?)");

    /** Numbers, signs, units, spaces and look-alikes (fullwidth and Arabic-Indic digits). */
    @Provide
    Arbitrary<String> values() {
        return Arbitraries.oneOf(
                Arbitraries.of("0", "1", "9", "00", "+", "-", " ", "k", "K", "m", "M", "g", "G", "t", "T", "b", "x",
                        "true", "True", "TRUE", "tRue", "false", "1.5", "_", "e", "9223372036854775807",
                        "9223372036854775808", "-9223372036854775808", "\t", "\n", "１", "٣", "999999999999999999")
                        .list().ofMaxSize(5).map(l -> String.join("", l)),
                Arbitraries.strings().ofMaxLength(24));
    }

    @Property(tries = 1000)
    void boolIsGoParseBool(@ForAll("values") String raw) {
        Boolean parsed = ValueType.BOOL.parse(raw);
        if (GO_BOOLS.contains(raw)) {
            assertThat(parsed).isEqualTo("1tTTRUEtrueTrue".contains(raw));
        } else {
            assertThat(parsed).isNull();
        }
    }

    @Property(tries = 1000)
    void intIsGoAtoiOnSixtyFourBits(@ForAll("values") String raw) {
        Long expected = null;
        if (GO_INT.matcher(raw).matches()) {
            BigInteger n = new BigInteger(raw.startsWith("+") ? raw.substring(1) : raw);
            if (n.bitLength() < 64) {
                expected = n.longValueExact();
            }
        }
        assertThat(ValueType.INT.parse(raw)).isEqualTo(expected);
    }

    @Property(tries = 1000)
    void intRoundTripsEveryLong(@ForAll long n) {
        assertThat(ValueType.INT.parse(Long.toString(n))).isEqualTo(n);
    }

    @Property(tries = 1000)
    void nginxSizeIsDigitsTimesItsUnitOrMinusOne(@ForAll("values") String raw) {
        long expected = -1;
        var m = NGINX_SIZE.matcher(raw);
        if (m.matches()) {
            BigInteger unit = BigInteger.valueOf(switch (m.group(2).toLowerCase()) {
                case "k" -> 1L << 10;
                case "m" -> 1L << 20;
                case "g" -> 1L << 30;
                default -> 1L;
            });
            BigInteger bytes = new BigInteger(m.group(1)).multiply(unit);
            expected = bytes.bitLength() < 64 ? bytes.longValueExact() : -1;
        }
        assertThat(NginxSize.parse(raw)).isEqualTo(expected);
    }

    @Property(tries = 1000)
    void nginxSizeRoundTripsKilobytes(@ForAll @LongRange(max = 1L << 40) long kilobytes) {
        assertThat(NginxSize.parse(kilobytes + "k")).isEqualTo(kilobytes * 1024);
        assertThat(NginxSize.parse(kilobytes + "K")).isEqualTo(kilobytes * 1024);
    }

    @Property(tries = 1000)
    void derivedTypesNeverThrowAndStayInRange(@ForAll("values") String raw) {
        var seconds = ValueType.SECONDS.parse(raw);
        assertThat(seconds == null || seconds.getSeconds() > 0 && seconds.getSeconds() <= Integer.MAX_VALUE).isTrue();
        Integer count = ValueType.COUNT.parse(raw);
        assertThat(count == null || count >= 0).isTrue();
        Long size = ValueType.SIZE.parse(raw);
        assertThat(size == null || size >= 0).isTrue();
        for (ValueType<String> t : java.util.List.of(ValueType.URI_TEMPLATE, ValueType.BASIC_CHARS, ValueType.REGEX_CHARS)) {
            String s = t.parse(raw);
            assertThat(s == null || s.equals(s.strip())).isTrue();
        }
    }

    /** Warnings quote values: whatever an Ingress author writes, a warning stays one line. */
    @Property(tries = 1000)
    void aQuotedValueHasNoLineBreakAndNoControlCharacter(@ForAll("values") String raw, @ForAll String any) {
        for (String s : new String[] {raw, any, raw + "\u0085\u2028\u2029\r\n" + any}) {
            String quoted = AnnotationKey.quote(s);
            assertThat(quoted).startsWith("\"").endsWith("\"");
            assertThat(Pattern.compile("\\R").matcher(quoted).find()).as(quoted).isFalse();
            assertThat(quoted.chars()).noneMatch(Character::isISOControl);
        }
    }
}
