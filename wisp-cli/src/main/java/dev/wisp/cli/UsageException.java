package dev.wisp.cli;

/** A command line that does not fit the command's usage; the message names the bad argument. Exit code 2. */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message);
    }
}
