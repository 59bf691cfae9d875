package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ConnectionOptionsTest {
    @Test
    void listsTheNamesOfEveryConnectionFieldLowercasedAndTrimmed() {
        Headers headers = Headers.of("Connection", "keep-alive, X-Hop ,Upgrade", "X-Hop", "1", "connection", "x-two");

        assertEquals(Set.of("keep-alive", "x-hop", "upgrade", "x-two"), ConnectionOptions.of(headers));
    }

    @Test
    void isEmptyWithoutAConnectionField() {
        assertEquals(Set.of(), ConnectionOptions.of(Headers.of("X-Hop", "1")));
    }
}
