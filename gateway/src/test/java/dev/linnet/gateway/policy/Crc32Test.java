package dev.linnet.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class Crc32Test {

    @Test
    void equalsZlibsCrcOverUtf8InPieces() {
        for (String s : List.of("", "/", "/alma/armud", "10.244.0.11:80", "é-ü", "日本語", "emoji \uD83D\uDE00 x", "\uD800 lone")) {
            CRC32 z = new CRC32();
            z.update(s.getBytes(StandardCharsets.UTF_8));
            assertThat(Crc32.of(s)).as(s).isEqualTo((int) z.getValue());
            int half = s.length() / 2;
            if (half > 0 && !Character.isHighSurrogate(s.charAt(half - 1))) {
                int crc = Crc32.update(Crc32.update(Crc32.START, s, 0, half), s, half, s.length());
                assertThat(Crc32.finish(crc)).as(s + " in two pieces").isEqualTo((int) z.getValue());
            }
        }
    }
}
