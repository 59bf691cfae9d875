package dev.wisp.testing;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit extension that closes the servers and peers a test class started, last started first: after each test when
 * it is an instance field, after the class's tests when it is a static one (started in {@code @BeforeAll}).
 * <pre>{@code
 * @RegisterExtension
 * final ClosedAfterTest servers = new ClosedAfterTest();
 * ...
 * int port = servers.add(Server.create(config, router).start()).port();
 * }</pre>
 * Every one is closed even if one fails to close; the first failure is the test's, the others suppressed in it.
 * Safe to add to from any thread.
 */
public final class ClosedAfterTest implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
    private final List<AutoCloseable> started = new ArrayList<>();
    /** Registered in a static field: JUnit calls beforeAll on such an extension only. */
    private volatile boolean perClass;

    /** Keeps this for closing; returns it. */
    public <T extends AutoCloseable> T add(T resource) {
        synchronized (started) {
            started.add(resource);
        }
        return resource;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (!perClass) {
            closeAll();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        closeAll();
    }

    private void closeAll() throws Exception {
        List<AutoCloseable> closing;
        synchronized (started) {
            closing = new ArrayList<>(started.reversed());
            started.clear();
        }
        Exception first = null;
        for (AutoCloseable resource : closing) {
            try {
                resource.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
