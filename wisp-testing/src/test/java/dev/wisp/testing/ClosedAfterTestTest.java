package dev.wisp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The extension's calls made by hand, as JUnit makes them for an instance field and for a static one. */
class ClosedAfterTestTest {
    private final List<String> closed = new ArrayList<>();

    private AutoCloseable named(String name) {
        return () -> closed.add(name);
    }

    @Test
    void anInstanceFieldClosesAfterEachTestTheLastStartedFirst() throws Exception {
        ClosedAfterTest servers = new ClosedAfterTest();
        AutoCloseable first = named("first");
        assertSame(first, servers.add(first));
        servers.add(named("second"));
        servers.afterEach(null);
        assertEquals(List.of("second", "first"), closed);
        servers.afterEach(null);
        assertEquals(List.of("second", "first"), closed, "each is closed once");
    }

    @Test
    void aStaticFieldClosesAfterTheClassesTestsOnly() throws Exception {
        ClosedAfterTest servers = new ClosedAfterTest();
        servers.beforeAll(null);
        servers.add(named("shared"));
        servers.afterEach(null);
        assertEquals(List.of(), closed);
        servers.afterAll(null);
        assertEquals(List.of("shared"), closed);
    }

    @Test
    void closesEveryOneWhenOneFailsAndThrowsTheFirstFailure() {
        ClosedAfterTest servers = new ClosedAfterTest();
        servers.add(named("first"));
        servers.add(() -> {
            throw new IOException("second failed");
        });
        servers.add(() -> {
            throw new IOException("third failed");
        });
        IOException thrown = assertThrows(IOException.class, () -> servers.afterEach(null));
        assertEquals("third failed", thrown.getMessage());
        assertEquals("second failed", thrown.getSuppressed()[0].getMessage());
        assertEquals(List.of("first"), closed);
    }
}
