package dev.wisp.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Crowded and alone, from the last four exchanges: their end times and their threads. The times are given, so
 * nothing depends on how fast the test runs.
 */
class CarrierLoadTest {

    @Test
    void exchangesOfOneThreadCloseTogetherLeaveItAloneAndCrowdNobody() throws Exception {
        long now = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            CarrierLoad.exchangeEnded(now);
        }
        Thread caller = Thread.currentThread();

        assertTrue(CarrierLoad.isAlone(now + 300_000, caller));
        assertFalse(CarrierLoad.isCrowded(now, caller), "one thread alone, however fast");
        assertFalse(CarrierLoad.isAlone(now + 500_000, caller), "the exchanges ended too long ago");
        Thread other = Thread.ofVirtual().unstarted(() -> { });
        assertFalse(CarrierLoad.isAlone(now, other), "the exchanges were another thread's");
    }

    @Test
    void anExchangeOfAnotherThreadAmongThemCrowdsTheCarrier() throws Exception {
        long now = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            CarrierLoad.exchangeEnded(now);
        }
        Thread other = Thread.ofVirtual().start(() -> CarrierLoad.exchangeEnded(now));
        other.join();
        Thread caller = Thread.currentThread();

        assertTrue(CarrierLoad.isCrowded(now + 200_000, caller));
        assertTrue(CarrierLoad.isCrowded(now + 200_000, other), "its own exchange is one of four");
        assertFalse(CarrierLoad.isAlone(now, caller));
        assertFalse(CarrierLoad.isCrowded(now + 300_000, caller), "the exchanges ended too long ago");
    }

    @Test
    void exchangesCloseTogetherOnWhicheverThreadsLeaveTheCarrierNoTimeForTheJdksPoller() {
        long now = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            CarrierLoad.exchangeEnded(now + i * 50_000L);
        }

        assertTrue(CarrierLoad.isCrowded(now + 250_000), "one thread's exchanges count too");
        assertFalse(CarrierLoad.isCrowded(now + 260_000), "the first of them ended too long ago");
        CarrierLoad.exchangeEnded(now + 200_000);
        assertTrue(CarrierLoad.isCrowded(now + 300_000), "the four last ones");
    }
}
