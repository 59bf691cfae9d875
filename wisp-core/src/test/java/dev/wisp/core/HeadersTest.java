package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HeadersTest {
    @Test
    void findsFieldsWhateverTheCaseOfTheName() {
        Headers headers = Headers.of("Content-Type", "text/plain");

        assertEquals(Optional.of("text/plain"), headers.first("content-type"));
        assertEquals("text/plain", headers.firstOrNull("CONTENT-TYPE"));
        assertTrue(headers.contains("cOnTeNt-TyPe"));
        assertFalse(headers.contains("Content-Length"));
        assertEquals(Optional.empty(), headers.first("Content-Length"));
    }

    @Test
    void keepsEveryValueOfARepeatedNameInOrder() {
        Headers headers = Headers.of("Accept", "a", "X", "1", "accept", "b", "ACCEPT", "c");

        assertEquals(List.of("a", "b", "c"), headers.all("Accept"));
        assertEquals(3, headers.count("accept"));
        assertEquals("a", headers.firstOrNull("Accept"));
        assertEquals(List.of(), headers.all("Missing"));
        assertEquals(0, headers.count("Missing"));
    }

    @Test
    void setAllReplacesEachNameWithAllOfItsValues() {
        Headers set = Headers.builder().add("Upgrade", "h2c").add("Set-Cookie", "old=1").add("X-Kept", "k")
                .setAll(Headers.of("upgrade", "websocket", "Set-Cookie", "a=1", "set-cookie", "b=2"))
                .build();

        assertEquals(List.of("websocket"), set.all("Upgrade"));
        assertEquals(List.of("a=1", "b=2"), set.all("Set-Cookie"), "both, where set one by one keeps the last");
        assertEquals(List.of("k"), set.all("X-Kept"));
    }

    @Test
    void keepsFieldsInTheOrderTheyWereAdded() {
        Headers headers = Headers.of("B", "1", "A", "2", "b", "3");

        assertEquals(3, headers.size());
        assertEquals(List.of("B", "A", "b"), List.of(headers.name(0), headers.name(1), headers.name(2)));
        assertEquals(List.of("1", "2", "3"), List.of(headers.value(0), headers.value(1), headers.value(2)));
        assertEquals(Set.of("B", "A"), headers.names());
        assertEquals(List.of("B", "A"), List.copyOf(headers.names()));
        List<String> visited = new ArrayList<>();
        headers.forEach((name, value) -> visited.add(name + "=" + value));
        assertEquals(List.of("B=1", "A=2", "b=3"), visited);
        assertEquals("B: 1\nA: 2\nb: 3\n", headers.toString());
    }

    @Test
    void rejectsAnIndexOutsideTheFields() {
        Headers headers = Headers.of("A", "1");

        assertThrows(IndexOutOfBoundsException.class, () -> headers.name(1));
        assertThrows(IndexOutOfBoundsException.class, () -> headers.value(-1));
    }

    @Test
    void setReplacesEveryFieldOfTheNameInPlaceOfTheFirst() {
        Headers headers = Headers.of("A", "1", "B", "2", "a", "3", "C", "4")
                .toBuilder()
                .set("A", "new")
                .build();

        assertEquals(Headers.of("A", "new", "B", "2", "C", "4"), headers);
    }

    @Test
    void setAppendsWhenTheNameIsAbsent() {
        Headers headers = Headers.of("A", "1").toBuilder().set("B", "2").build();

        assertEquals(Headers.of("A", "1", "B", "2"), headers);
    }

    @Test
    void removeDropsEveryFieldOfTheName() {
        Headers.Builder builder = Headers.of("A", "1", "B", "2", "a", "3").toBuilder().remove("A");

        assertEquals(1, builder.size());
        assertFalse(builder.contains("a"));
        assertNull(builder.firstOrNull("A"));
        assertEquals(Headers.of("B", "2"), builder.build());
    }

    @Test
    void buildingLeavesEarlierInstancesUnchanged() {
        Headers original = Headers.of("A", "1");
        Headers.Builder builder = original.toBuilder().add("B", "2");
        Headers first = builder.build();
        builder.set("A", "changed");

        assertEquals(Headers.of("A", "1"), original);
        assertEquals(Headers.of("A", "1", "B", "2"), first);
        assertEquals(Headers.of("A", "changed", "B", "2"), builder.build());
    }

    @Test
    void changesAfterBuildingLeaveTheBuiltHeadersUnchanged() {
        Headers.Builder builder = Headers.builder().add("A", "1").add("B", "2");
        Headers built = builder.build();
        builder.add("C", "3");
        Headers added = builder.build();
        builder.remove("A");
        Headers removed = builder.build();
        builder.set("B", "changed");

        assertEquals(Headers.of("A", "1", "B", "2"), built);
        assertEquals(Headers.of("A", "1", "B", "2", "C", "3"), added);
        assertEquals(Headers.of("B", "2", "C", "3"), removed);
        assertEquals(Headers.of("B", "changed", "C", "3"), builder.build());
    }

    @Test
    void growsPastItsInitialCapacity() {
        Headers.Builder builder = Headers.builder();
        for (int i = 0; i < 100; i++) {
            builder.add("X-" + i, Integer.toString(i));
        }
        Headers headers = builder.build();

        assertEquals(100, headers.size());
        assertEquals("99", headers.firstOrNull("x-99"));
        assertEquals(Headers.of("A", "1"), Headers.builder().addAll(Headers.of("A", "1")).build());
    }

    @Test
    void emptyHeadersAreShared() {
        assertSame(Headers.empty(), Headers.builder().build());
        assertSame(Headers.empty(), Headers.of());
        assertTrue(Headers.empty().isEmpty());
        assertEquals(0, Headers.of("A", "1").toBuilder().remove("A").build().size());
    }

    @Test
    void equalityIgnoresTheCaseOfNamesButNotOfValues() {
        assertEquals(Headers.of("Content-Type", "a"), Headers.of("content-type", "a"));
        assertEquals(Headers.of("Content-Type", "a").hashCode(), Headers.of("CONTENT-TYPE", "a").hashCode());
        assertNotEquals(Headers.of("Content-Type", "a"), Headers.of("Content-Type", "A"));
        assertNotEquals(Headers.of("A", "1", "B", "2"), Headers.of("B", "2", "A", "1"));
        assertNotEquals(Headers.of("A", "1"), Headers.of("A", "1", "A", "1"));
    }

    @Test
    void containsTokenSearchesEveryListElementOfEveryField() {
        Headers headers = Headers.of("Connection", "keep-alive ,\tUpgrade", "connection", "close");

        assertTrue(headers.containsToken("Connection", "upgrade"));
        assertTrue(headers.containsToken("CONNECTION", "Close"));
        assertTrue(headers.containsToken("Connection", "KEEP-ALIVE"));
        assertFalse(headers.containsToken("Connection", "keep"));
        assertFalse(headers.containsToken("Connection", "alive"));
        assertFalse(headers.containsToken("Upgrade", "close"));
    }

    @Test
    void containsTokenToleratesEmptyListElements() {
        Headers headers = Headers.of("Connection", ", ,close,");

        assertTrue(headers.containsToken("Connection", "close"));
        assertFalse(headers.containsToken("Connection", "upgrade"));
        assertTrue(Headers.of("Connection", "").containsToken("Connection", ""));
    }

    @Test
    void readsTheFirstValueAsANonNegativeNumber() {
        assertEquals(OptionalLong.of(42), Headers.of("N", "42", "N", "7").firstAsLong("n"));
        assertEquals(OptionalLong.of(999_999_999_999_999_999L), Headers.of("N", "999999999999999999").firstAsLong("N"));
        assertEquals(OptionalLong.empty(), Headers.of("N", "1000000000000000000").firstAsLong("N"));
        assertEquals(OptionalLong.empty(), Headers.of("N", "-1").firstAsLong("N"));
        assertEquals(OptionalLong.empty(), Headers.of("N", "+1").firstAsLong("N"));
        assertEquals(OptionalLong.empty(), Headers.of("N", "").firstAsLong("N"));
        assertEquals(OptionalLong.empty(), Headers.of("N", "1 2").firstAsLong("N"));
        assertEquals(OptionalLong.empty(), Headers.empty().firstAsLong("N"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bad Name", "Bad:Name", "Bad\rName", "Bad\nName", "Bad\0Name", "Bad\"Name",
        "Bad(Name", "Bad/Name", "Bäd", "Bad\u0100Name"})
    void rejectsANameThatIsNotAToken(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Headers.builder().add(name, "value"));

        assertEquals("header name is not a token: '" + Ascii.escape(name) + "'", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\rb", "a\nb", "a\r\nb", "a\0b", "a\u0001b", "a\u007fb", "\r\nX-Injected: 1", " leading",
        "trailing\t", "a\u0100b"})
    void rejectsAValueWithControlsOrOuterWhitespace(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Headers.builder().set("X", value));

        assertEquals("value of header X has forbidden characters: '" + Ascii.escape(value) + "'", e.getMessage());
    }

    @Test
    void acceptsTabsSpacesAndObsTextInsideAValue() {
        Headers headers = Headers.of("X", "a \tb\u00ff\u0080");

        assertEquals("a \tb\u00ff\u0080", headers.firstOrNull("X"));
    }

    @Test
    void rejectsNullNamesAndValues() {
        assertThrows(IllegalArgumentException.class, () -> Headers.builder().add(null, "v"));
        assertThrows(IllegalArgumentException.class, () -> Headers.builder().add("X", null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\rb", "a\nb", "a\0b", "a\u0001b", "a\u007fb", " leading", "trailing\t"})
    void rejectsValueBytesWithControlsOrOuterWhitespace(String value) {
        byte[] bytes = ("[" + value + "]").getBytes(StandardCharsets.ISO_8859_1);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Headers.builder().add("X", bytes, 1, bytes.length - 2));
        assertEquals("value of header X has forbidden characters: '" + Ascii.escape(value) + "'", e.getMessage());
    }

    @Test
    void addsAValueFromItsBytesReadAsLatin1() {
        byte[] bytes = "[a \tb\u00ff\u0080]".getBytes(StandardCharsets.ISO_8859_1);

        Headers headers = Headers.builder().add("X", bytes, 1, bytes.length - 2).add("Y", bytes, 1, 0).build();

        assertEquals("a \tb\u00ff\u0080", headers.firstOrNull("X"));
        assertEquals("", headers.firstOrNull("Y"));
        assertThrows(IndexOutOfBoundsException.class, () -> Headers.builder().add("X", bytes, 4, bytes.length));
        assertThrows(IllegalArgumentException.class, () -> Headers.builder().add("Bad Name", bytes, 1, 1));
    }

    @Test
    void aHeaderFieldIsCheckedWhenItIsMade() {
        assertThrows(IllegalArgumentException.class, () -> new HeaderField("Bad Name", "v"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HeaderField("X", "a\r\nX-Injected: 1"));
        assertEquals("value of header X has forbidden characters: 'a\\r\\nX-Injected: 1'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HeaderField("X", null));
    }

    @Test
    void aHeaderFieldIsAddedOrSetAsItsNameAndValue() {
        HeaderField close = new HeaderField("Connection", "close");

        Headers headers = Headers.builder().add("connection", "keep-alive").add("A", "1").add("Connection", "x")
                .set(close).add(close).build();

        assertEquals(List.of("Connection", "A", "Connection"), List.of(headers.name(0), headers.name(1),
                headers.name(2)));
        assertEquals(List.of("close", "close"), headers.all("connection"));
    }

    @Test
    void setsANumberInDecimal() {
        Headers headers = Headers.builder().add("Content-Length", "1").add("content-length", "2")
                .set("Content-Length", 1234567890123L).build();

        assertEquals(List.of("1234567890123"), headers.all("Content-Length"));
        assertThrows(IllegalArgumentException.class, () -> Headers.builder().set("Bad Name", 1));
    }

    @Test
    void rejectsAnOddNumberOfStrings() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Headers.of("A", "1", "B"));

        assertEquals("expected name, value pairs, got 3 strings", e.getMessage());
    }
}
