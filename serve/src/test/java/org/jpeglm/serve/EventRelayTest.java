package org.jpeglm.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jpeglm.codec.Event;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.jpeg.RepairReport;
import org.junit.jupiter.api.Test;

/** The hand-over between the scheduler thread and a stream's writer. */
class EventRelayTest {
    @Test
    void aSlowReaderGetsTheLatestProgressAndPreviewAndEveryImageInOrder() throws Exception {
        EventRelay<GeneratedImage> relay = new EventRelay<>(4, Duration.ZERO);
        byte[] early = {1}; // the relay never looks into a preview's file
        byte[] late = {2};
        relay.onEvent(new Event.Progress<>(1, 5, 1, 4));
        relay.onEvent(new Event.Preview<>(1, 1, 4, early));
        relay.onEvent(new Event.Progress<>(0, 3, 1, 4));
        relay.onEvent(new Event.Progress<>(1, 9, 2, 4));
        relay.onEvent(new Event.Preview<>(1, 2, 4, late));
        relay.onEvent(new Event.Finished<>(0, image(0)));
        List<Event<GeneratedImage>> events = relay.take(0, TimeUnit.MILLISECONDS);
        assertEquals(
                List.of(
                        new Event.Progress<>(0, 3, 1, 4),
                        new Event.Progress<>(1, 9, 2, 4),
                        new Event.Preview<>(1, 2, 4, late),
                        events.get(3)),
                events);
        assertEquals(
                0, ((Event.Finished<GeneratedImage>) events.get(3)).result().index());
        assertTrue(relay.take(0, TimeUnit.MILLISECONDS).isEmpty(), "taken events are gone");
    }

    @Test
    void takeWaitsForTheFirstEvent() throws Exception {
        EventRelay<GeneratedImage> relay = new EventRelay<>(4, Duration.ZERO);
        CompletableFuture<List<Event<GeneratedImage>>> taken = takeLater(relay);
        relay.onEvent(new Event.Progress<>(2, 1, 0, 4));
        assertEquals(List.of(new Event.Progress<>(2, 1, 0, 4)), taken.get(1, TimeUnit.MINUTES));
    }

    @Test
    void anEndedRelayDoesNotWait() throws Exception {
        EventRelay<GeneratedImage> relay = new EventRelay<>(4, Duration.ZERO);
        relay.onEvent(new Event.Progress<>(0, 1, 1, 4));
        relay.end();
        assertEquals(1, relay.take(1, TimeUnit.HOURS).size(), "what came before the end is still taken");
        assertTrue(relay.take(1, TimeUnit.HOURS).isEmpty(), "then nothing, at once");
    }

    @Test
    void withinTheGapOnlyAFinishedImageEndsTheWait() throws Exception {
        EventRelay<GeneratedImage> relay = new EventRelay<>(4, Duration.ofHours(1));
        relay.onEvent(new Event.Progress<>(0, 1, 0, 4));
        assertEquals(1, relay.take(1, TimeUnit.MINUTES).size(), "the first take waits for no gap");
        CompletableFuture<List<Event<GeneratedImage>>> taken = takeLater(relay);
        relay.onEvent(new Event.Progress<>(0, 5, 1, 4));
        Thread.sleep(100);
        assertFalse(taken.isDone(), "progress waits for the gap's end");
        relay.onEvent(new Event.Finished<>(0, image(0)));
        List<Event<GeneratedImage>> events = taken.get(1, TimeUnit.MINUTES);
        assertEquals(new Event.Progress<>(0, 5, 1, 4), events.getFirst());
        assertEquals(2, events.size());
    }

    @Test
    void afterTheGapProgressIsTakenAtOnce() throws Exception {
        EventRelay<GeneratedImage> relay = takenOnce(Duration.ofMillis(20));
        CompletableFuture<List<Event<GeneratedImage>>> taken = takeLater(relay);
        Thread.sleep(50);
        relay.onEvent(new Event.Progress<>(0, 5, 1, 4));
        assertEquals(List.of(new Event.Progress<>(0, 5, 1, 4)), taken.get(1, TimeUnit.MINUTES));
    }

    @Test
    void progressOfTheGapWaitsForTheNextEventAfterItNotForATimer() throws Exception {
        EventRelay<GeneratedImage> relay = takenOnce(Duration.ofMillis(20));
        CompletableFuture<List<Event<GeneratedImage>>> taken = takeLater(relay);
        relay.onEvent(new Event.Progress<>(0, 5, 1, 4)); // within the gap
        Thread.sleep(200);
        assertFalse(taken.isDone(), "the gap's end alone wakes no one: the writer waits for the scheduler");
        relay.onEvent(new Event.Progress<>(1, 2, 1, 4)); // after it
        assertEquals(
                List.of(new Event.Progress<>(0, 5, 1, 4), new Event.Progress<>(1, 2, 1, 4)),
                taken.get(1, TimeUnit.MINUTES));
    }

    @Test
    void atTheTimeoutWhatThereIsIsTaken() throws Exception {
        EventRelay<GeneratedImage> relay = takenOnce(Duration.ofHours(1));
        relay.onEvent(new Event.Progress<>(0, 5, 1, 4));
        assertEquals(List.of(new Event.Progress<>(0, 5, 1, 4)), relay.take(50, TimeUnit.MILLISECONDS));
    }

    /** A relay with gap whose first take (which waits for no gap) is done. */
    private static EventRelay<GeneratedImage> takenOnce(Duration gap) throws InterruptedException {
        EventRelay<GeneratedImage> relay = new EventRelay<>(4, gap);
        relay.onEvent(new Event.Progress<>(0, 1, 0, 4));
        relay.take(0, TimeUnit.MILLISECONDS);
        return relay;
    }

    /** A take of up to a minute on another thread. */
    private static CompletableFuture<List<Event<GeneratedImage>>> takeLater(EventRelay<GeneratedImage> relay) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return relay.take(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static GeneratedImage image(int index) {
        BufferedImage img = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
        return new GeneratedImage(
                index,
                7,
                new byte[] {1},
                new byte[] {1},
                img,
                1,
                1,
                GeneratedImage.StopReason.EOI,
                new RepairReport(true, 1, 1, 1, 0, 0, 0, 0, 0, 0, false, false, 0, List.of()),
                Duration.ZERO);
    }
}
