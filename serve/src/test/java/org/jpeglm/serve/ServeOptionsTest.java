package org.jpeglm.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import org.jpeglm.ThreadOptions;
import org.junit.jupiter.api.Test;

/**
 * The server's defaults, as its builder's javadoc and README state them: in particular a service of 4 sequences on
 * automatic threads (the generic options' own default is 1; the deleted ServiceOptions held the 4 before).
 */
class ServeOptionsTest {
    @Test
    void theDefaultsAreTheDocumentedOnes() {
        ServeOptions o = ServeOptions.builder().build();
        assertEquals("127.0.0.1", o.host());
        assertEquals(8080, o.port());
        assertNull(o.apiKey());
        assertEquals(32L << 20, o.maxBodyBytes());
        assertEquals(16L << 20, o.maxImagePixels());
        assertEquals(64, o.maxImagesPerRequest());
        assertEquals(4, o.service().parallel());
        assertEquals(ThreadOptions.AUTOMATIC, o.service().threads());
        assertEquals(Duration.ofSeconds(20), o.drainTime());
    }
}
