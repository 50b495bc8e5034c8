package org.jpeglm.convert;

/**
 * What a conversion reports while it runs: messages, and progress in bytes written. Every method has an empty
 * default; implementations need not be thread-safe (calls come from the converting thread).
 */
public interface ConvertListener {
    /** A listener that ignores everything. */
    ConvertListener NONE = new ConvertListener() {};

    /** Something worth telling (what was found, what is being done). */
    default void info(String message) {}

    /** Something the user should check: the conversion goes on, but the result may not be what they meant. */
    default void warning(String message) {}

    /** A phase that writes totalBytes begins. */
    default void start(String task, long totalBytes) {}

    /** bytes more of the current phase were written. */
    default void advance(long bytes) {}

    /** The current phase ended (also after a failure). */
    default void finish() {}
}
