package dev.wisp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The netrc reader on what files hold besides well-formed entries; curl's reading of the same is in GetNetrcIT. */
class NetrcFileTest {
    @Test
    void dropsAKeywordLeftWithoutItsValueAndAMachineWithoutAName() {
        assertEquals("[Entry[machine=a, login=bob, password=null]]",
                NetrcFile.parse("machine a login bob password").entries().toString());
        assertEquals("[]", NetrcFile.parse("machine").entries().toString());
        assertEquals(Optional.empty(), NetrcFile.parse("machine a").find("a", null));
    }

    @Test
    void readsAnUnterminatedQuoteToTheEndAndPassesUnknownWordsOver() {
        NetrcFile netrc = NetrcFile.parse("port 21 machine A.example login \"x y\" password \"p\\\\q");
        NetrcFile.Entry entry = netrc.find("a.example", null).orElseThrow();
        assertEquals("x y", entry.login());
        assertEquals("p\\q", entry.password());
        assertEquals("Entry[machine=A.example, login=x y, password=***]", entry.toString());
    }

    @Test
    void choosesTheFirstEntryOfTheHostWithTheLoginAskedFor() {
        NetrcFile netrc = NetrcFile.parse("""
                machine h login a password 1
                machine h login b password 2
                default login d password 3
                """);
        assertEquals("1", netrc.find("h", null).orElseThrow().password());
        assertEquals("2", netrc.find("h", "b").orElseThrow().password());
        assertEquals("3", netrc.find("other", null).orElseThrow().password());
        assertEquals(Optional.empty(), netrc.find("h", "c"));
    }
}
