package dev.wisp.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SharedBudgetTest {
    @Test
    void oneConnectionAloneMayTakeAll() {
        SharedBudget.Ledger only = SharedBudget.withFairShares(8, "reached", "eased").ledger();

        for (int i = 0; i < 8; i++) {
            assertTrue(only.take(1), "part " + i);
        }
        assertFalse(only.take(1), "past the budget");
    }

    @Test
    void whileNearlySpentNoConnectionTakesPastAnEqualShareOfThoseThatWant() {
        SharedBudget budget = SharedBudget.withFairShares(8, "reached", "eased");
        SharedBudget.Ledger greedy = budget.ledger();
        SharedBudget.Ledger newcomer = budget.ledger();
        for (int i = 0; i < 8; i++) {
            assertTrue(greedy.take(1));
        }
        assertFalse(newcomer.take(1), "the budget is spent: the newcomer waits, and counts");
        greedy.giveBack(3); // three parts free (an attacker's slow streams ended)

        assertTrue(greedy.take(1), "not nearly spent yet: 6 of 8 taken then");
        assertFalse(greedy.take(1), "nearly spent, and 7 is past a share of 4 (8 among two)");
        assertTrue(newcomer.take(1), "its share has room");
        assertTrue(newcomer.take(1));
        newcomer.close(); // gone: the share is the greedy one's again
        assertTrue(greedy.take(1));
        assertTrue(greedy.take(1));
        assertFalse(greedy.take(1), "past the budget");
    }

    @Test
    void aBudgetWithoutFairSharesServesWhoeverAsksFirst() {
        SharedBudget budget = new SharedBudget(8, "reached", "eased");
        SharedBudget.Ledger greedy = budget.ledger();
        SharedBudget.Ledger newcomer = budget.ledger();
        for (int i = 0; i < 8; i++) {
            assertTrue(greedy.take(1));
        }
        assertFalse(newcomer.take(1));
        greedy.giveBack(3);

        assertTrue(greedy.take(1));
    }
}
