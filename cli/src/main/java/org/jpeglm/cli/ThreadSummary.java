package org.jpeglm.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jpeglm.ThreadCounts;

/** A run's CPU threads as summary.json lists them: the counts in use at its end and how they were chosen. */
final class ThreadSummary {
    private ThreadSummary() {}

    static ObjectNode json(ThreadCounts threads) {
        return JsonNodeFactory.instance
                .objectNode()
                .put("threads", threads.threads())
                .put("threads_batch", threads.threadsBatch())
                .put("reason", threads.reason());
    }
}
