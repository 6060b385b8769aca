package dev.linnet.gateway.accesslog;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * nginx's log times in the process's time zone, formatted once per second: {@code $time_local}
 * ({@code 05/Mar/2026:12:00:00 +0000}) and {@code $time_iso8601} ({@code 2026-03-05T12:00:00+00:00}).
 * Not thread-safe: one per writer.
 */
final class LogTimes {

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx", Locale.ENGLISH);

    private final ZoneId zone;
    private long localSecond = Long.MIN_VALUE;
    private String local;
    private long isoSecond = Long.MIN_VALUE;
    private String iso;

    LogTimes(ZoneId zone) {
        this.zone = zone;
    }

    LogTimes() {
        this(ZoneId.systemDefault());
    }

    String local(long millis) {
        long second = Math.floorDiv(millis, 1000);
        if (second != localSecond) {
            localSecond = second;
            local = LOCAL.format(Instant.ofEpochSecond(second).atZone(zone));
        }
        return local;
    }

    String iso8601(long millis) {
        long second = Math.floorDiv(millis, 1000);
        if (second != isoSecond) {
            isoSecond = second;
            iso = ISO.format(Instant.ofEpochSecond(second).atZone(zone));
        }
        return iso;
    }
}
