package org.jpeglm.convert;

import java.util.ArrayList;
import java.util.List;

/** Passes everything on to a listener and keeps the warnings, for the result. */
final class WarningRecorder implements ConvertListener {
    private final ConvertListener listener;
    private final List<String> warnings = new ArrayList<>();

    WarningRecorder(ConvertListener listener) {
        this.listener = listener;
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }

    @Override
    public void info(String message) {
        listener.info(message);
    }

    @Override
    public void warning(String message) {
        warnings.add(message);
        listener.warning(message);
    }

    @Override
    public void start(String task, long totalBytes) {
        listener.start(task, totalBytes);
    }

    @Override
    public void advance(long bytes) {
        listener.advance(bytes);
    }

    @Override
    public void finish() {
        listener.finish();
    }
}
