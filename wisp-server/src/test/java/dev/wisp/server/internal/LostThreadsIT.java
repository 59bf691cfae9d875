package dev.wisp.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.wisp.server.ServerConfig;
import dev.wisp.testing.LogCapture;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/**
 * A connection's thread that ends with an uncaught error has it logged with its trace, under the connections'
 * logger, not printed to standard error by the JVM (under a full heap, only the first line of that came out).
 */
class LostThreadsIT {
    @Test
    void anUncaughtErrorOfAConnectionsThreadIsLoggedWithItsTrace() throws Exception {
        try (LogCapture log = LogCapture.of(ServerConnection.class.getName())) {
            IllegalStateException bug = new IllegalStateException("escaped every catch");
            Thread thread = new ServerContext(ServerConfig.builder().build()).connectionThreads().newThread(() -> {
                throw bug;
            });
            thread.start();
            thread.join();

            List<LogRecord> told = log.records();
            assertEquals(1, told.size(), "one record: " + told);
            assertEquals(Level.SEVERE, told.getFirst().getLevel());
            assertSame(bug, told.getFirst().getThrown());
        }
    }
}
