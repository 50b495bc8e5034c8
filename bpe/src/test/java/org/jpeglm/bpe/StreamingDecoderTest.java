package org.jpeglm.bpe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamingDecoderTest {
    private final BpeTokenizer tokenizer =
            BpeTokenizer.fromMerges(List.of(new TokenPair('a', 'b'), new TokenPair(256, 256)));

    @Test
    void appendsTokensOneByOne() throws IOException {
        StreamingDecoder d = tokenizer.streamingDecoder();
        assertEquals(0, d.append(tokenizer.bosId()));
        assertEquals(4, d.append(257));
        assertEquals(1, d.append('c'));
        assertEquals(0, d.append(tokenizer.eosId()));
        assertEquals(5, d.size());
        assertEquals(4, d.tokenCount());
        assertEquals('c', d.byteAt(4));
        assertArrayEquals("ababc".getBytes(StandardCharsets.US_ASCII), d.toByteArray());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        d.writeTo(out);
        assertArrayEquals(d.toByteArray(), out.toByteArray());
        d.reset();
        assertEquals(0, d.size());
    }

    @Test
    void growsPastItsFirstBuffer() {
        StreamingDecoder d = tokenizer.streamingDecoder();
        for (int i = 0; i < 10_000; i++) {
            d.append(257);
        }
        assertEquals(40_000, d.size());
        assertEquals('b', d.byteAt(39_999));
    }

    @Test
    void rejectsUnknownIds() {
        StreamingDecoder d = tokenizer.streamingDecoder();
        assertThrows(IllegalArgumentException.class, () -> d.append(tokenizer.vocabSize()));
        assertThrows(IndexOutOfBoundsException.class, () -> d.byteAt(0));
    }
}
