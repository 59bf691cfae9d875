package dev.wisp.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wisp.client.UnsupportedSocketOptionException;
import org.junit.jupiter.api.Test;

/**
 * The Java 21 class of the multi-release jar. Unit tests run on the class directory, where a JVM ignores
 * {@code META-INF/versions}, so this is the class a Java 21 runtime loads from the jar; the socket tests run on the
 * jar and reach the Java 22 class.
 */
class AbstractUnixSocketsTest {

    @Test
    void refusesAbstractNamesWithATypedErrorBeforeJava22() {
        UnsupportedSocketOptionException e = assertThrows(UnsupportedSocketOptionException.class,
                () -> AbstractUnixSockets.connect("wisp-never-connected"));
        assertEquals("abstract unix socket names need Java 22 or later", e.getMessage());
        assertEquals("abstract Unix socket", e.option());
    }
}
