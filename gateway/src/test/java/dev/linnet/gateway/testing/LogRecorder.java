package dev.linnet.gateway.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** The events one logger (and the loggers below it) logs while the recorder is open. */
public final class LogRecorder implements AutoCloseable {

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogRecorder(String name) {
        logger = (Logger) LoggerFactory.getLogger(name);
        appender.start();
        logger.addAppender(appender);
    }

    /** Everything logged at the root's level or above (WARN in the tests' logback-test.xml). */
    public static LogRecorder root() {
        return new LogRecorder(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    public static LogRecorder of(Class<?> type) {
        return new LogRecorder(type.getName());
    }

    public List<ILoggingEvent> events() {
        return List.copyOf(appender.list);
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
