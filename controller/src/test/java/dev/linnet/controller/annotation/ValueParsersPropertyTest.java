package dev.linnet.controller.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.linnet.gateway.testing.Gen;
import dev.linnet.gateway.testing.PropertyCheck;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

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
    private static final Gen<String> VALUES = Gen.oneOf(
            Gen.joined(Gen.of("0", "1", "9", "00", "+", "-", " ", "k", "K", "m", "M", "g", "G", "t", "T", "b", "x",
                    "true", "True", "TRUE", "tRue", "false", "1.5", "_", "e", "9223372036854775807",
                    "9223372036854775808", "-9223372036854775808", "\t", "\n", "１", "٣", "999999999999999999"), 5),
            Gen.strings(Gen.anyChar(), 0, 24));

    /** Every Go boolean and near misses, 64-bit and nginx-size boundaries, signs, spaces, look-alikes. */
    private static final List<String> VALUE_EDGES = List.of("", " ", "1", "t", "T", "TRUE", "true", "True", "0", "f",
            "F", "FALSE", "false", "False", "tRUE", "yes", "on", " true", "true ", "+1", "-0", "+", "-", "00", "007",
            "1.0", "1e3", "0x10", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
            "-9223372036854775809", "+9223372036854775807", "999999999999999999", "9999999999999999999", "8589934591k",
            "8796093022207k", "8796093022208k", "8589934591m", "8589934592m", "8388607g", "8388608g", "1k", "1K",
            "1m", "1M", "1g", "1G", "1t", "1b", "k", "1kk", " 1k", "1k ", "-1k", "+1k", "１", "٣", "1\n", "\t1");

    @Test
    void boolIsGoParseBool() {
        PropertyCheck.forAll(VALUES).edgeCases(VALUE_EDGES).check(1000, raw -> {
            Boolean parsed = ValueType.BOOL.parse(raw);
            if (GO_BOOLS.contains(raw)) {
                assertThat(parsed).isEqualTo("1tTTRUEtrueTrue".contains(raw));
            } else {
                assertThat(parsed).isNull();
            }
        });
    }

    @Test
    void intIsGoAtoiOnSixtyFourBits() {
        PropertyCheck.forAll(VALUES).edgeCases(VALUE_EDGES).check(1000, raw -> {
            Long expected = null;
            if (GO_INT.matcher(raw).matches()) {
                BigInteger n = new BigInteger(raw.startsWith("+") ? raw.substring(1) : raw);
                if (n.bitLength() < 64) {
                    expected = n.longValueExact();
                }
            }
            assertThat(ValueType.INT.parse(raw)).isEqualTo(expected);
        });
    }

    @Test
    void intRoundTripsEveryLong() {
        PropertyCheck.forAll(Gen.anyLong()).edgeCases(0L, 1L, -1L, 9L, 10L, -10L, Long.MAX_VALUE, Long.MIN_VALUE,
                Long.MAX_VALUE - 1, Long.MIN_VALUE + 1, (long) Integer.MAX_VALUE + 1, (long) Integer.MIN_VALUE - 1)
                .check(1000, n -> assertThat(ValueType.INT.parse(Long.toString(n))).isEqualTo(n));
    }

    @Test
    void nginxSizeIsDigitsTimesItsUnitOrMinusOne() {
        PropertyCheck.forAll(VALUES).edgeCases(VALUE_EDGES).check(1000, raw -> {
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
        });
    }

    @Test
    void nginxSizeRoundTripsKilobytes() {
        long max = 1L << 40;
        PropertyCheck.forAll(Gen.oneOf(Gen.longs(0, max), Gen.longs(0, 1000))).edgeCases(0L, 1L, max - 1, max)
                .check(1000, kilobytes -> {
                    assertThat(NginxSize.parse(kilobytes + "k")).isEqualTo(kilobytes * 1024);
                    assertThat(NginxSize.parse(kilobytes + "K")).isEqualTo(kilobytes * 1024);
                });
    }

    @Test
    void derivedTypesNeverThrowAndStayInRange() {
        PropertyCheck.forAll(VALUES).edgeCases(VALUE_EDGES).check(1000, raw -> {
            var seconds = ValueType.SECONDS.parse(raw);
            assertThat(seconds == null || seconds.getSeconds() > 0 && seconds.getSeconds() <= Integer.MAX_VALUE)
                    .isTrue();
            Integer count = ValueType.COUNT.parse(raw);
            assertThat(count == null || count >= 0).isTrue();
            Long size = ValueType.SIZE.parse(raw);
            assertThat(size == null || size >= 0).isTrue();
            for (ValueType<String> t : List.of(ValueType.URI_TEMPLATE, ValueType.BASIC_CHARS, ValueType.REGEX_CHARS)) {
                String s = t.parse(raw);
                assertThat(s == null || s.equals(s.strip())).isTrue();
            }
        });
    }

    /** Warnings quote values: whatever an Ingress author writes, a warning stays one short line. */
    @Test
    void aQuotedValueHasNoLineBreakAndNoControlCharacter() {
        Gen<List<String>> pairs = random -> List.of(VALUES.next(random), Gen.strings(Gen.anyChar(), 0, 255).next(random));
        PropertyCheck.forAll(pairs).edgeCases(List.of("", ""), List.of("\r\n", "\u0000"), List.of("\u0085", "\u2028"),
                List.of("\u2029", "\u001b[31m"), List.of("\"", "\\"), List.of("\u007f", "\u009f"), List.of("\uD800", "\uDC00"))
                .check(1000, pair -> {
                    String raw = pair.get(0);
                    String any = pair.get(1);
                    for (String s : new String[] {raw, any, raw + "\u0085\u2028\u2029\r\n" + any}) {
                        String quoted = AnnotationKey.quote(s);
                        assertThat(quoted).startsWith("\"");
                        if (s.length() <= WarningValue.SHOWN) {
                            assertThat(quoted).endsWith("\"");
                        } else { // cut, with its length (issue 15 item 6)
                            assertThat(quoted).endsWith("…\" (" + s.length() + " characters)");
                        }
                        assertThat(Pattern.compile("\\R").matcher(quoted).find()).as(quoted).isFalse();
                        assertThat(quoted.chars()).noneMatch(Character::isISOControl);
                    }
                });
    }
}
