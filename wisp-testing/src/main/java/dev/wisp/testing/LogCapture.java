package dev.wisp.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Assertions;

/**
 * The records a {@code java.util.logging} logger publishes while this is open, for a test to check what the code
 * under test logged. Closing stops the capture.
 */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture(Logger logger) {
        this.logger = logger;
    }

    /** Starts capturing what the named logger (and the loggers below it) publish. */
    public static LogCapture of(String loggerName) {
        LogCapture capture = new LogCapture(Logger.getLogger(loggerName));
        capture.logger.addHandler(capture.handler);
        return capture;
    }

    /** The records so far, in order; a live view. */
    public List<LogRecord> records() {
        return records;
    }

    /** Fails the test if anything was logged as an error ({@code SEVERE}) so far: a bug of the code under test. */
    public void assertNoErrors(String where) {
        for (LogRecord record : records) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                Assertions.fail(where + ": logged as an error: " + record.getMessage(), record.getThrown());
            }
        }
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
