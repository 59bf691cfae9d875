package dev.wisp.transport;

/**
 * A task that a {@link CarrierLoop} starts on a fresh virtual thread of its own (a {@link LoopSocket}'s wait without
 * a thread), and keeps until that thread has started. A start fails when memory is short, and then so may any
 * allocation: the task itself is the link of the loop's list of starts to try again, so that keeping it allocates
 * nothing. Not a {@link Runnable}: a parked {@link Thread} is one, and must not be taken for a wait's task.
 */
final class LoopTask {
    final Runnable task;
    /** The next task in the loop's list of failed starts; written before the task is pushed there. */
    LoopTask next;

    LoopTask(Runnable task) {
        this.task = task;
    }
}
