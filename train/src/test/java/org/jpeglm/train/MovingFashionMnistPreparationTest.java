package org.jpeglm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.HfTokenizerJson;
import org.jpeglm.video.H264Encoder;
import org.jpeglm.video.VideoProfile;
import org.jpeglm.video.VideoProfileFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MovingFashionMnistPreparationTest {
    @Test
    void writesWindowsTokenizerProfileAndTheTestStreams(@TempDir Path out) throws Exception {
        var options = new MovingFashionMnistPreparation.Options(
                FashionMnist.DEBIAN_DIR, out, 30, 6, VideoProfile.toy(), 60, 20, 256, 9, 2);
        var prep = new MovingFashionMnistPreparation(options);
        MovingFashionMnistPreparation.Result r = prep.run();
        assertEquals(30, r.trainVideos());
        assertEquals(256 + 60 + 2, r.vocabSize());
        assertEquals(VideoProfile.toy(), VideoProfileFile.read(out.resolve(VideoProfileFile.FILE_NAME)));
        assertEquals(r.trainWindows() * 257L * 2, Files.size(out.resolve("train.u16")));

        // The test streams are the encoder's bytes for the test videos, and meta.json counts their tokens.
        List<byte[]> expected = new H264Encoder().encodeAll(prep.dataset(false).videos(0, 6), VideoProfile.toy());
        ByteBuffer streams = ByteBuffer.wrap(Files.readAllBytes(out.resolve("test-streams.bin")))
                .order(ByteOrder.LITTLE_ENDIAN);
        BpeTokenizer bpe = HfTokenizerJson.read(out.resolve("tokenizer.json"));
        long tokens = 0;
        for (byte[] e : expected) {
            byte[] s = new byte[streams.getInt()];
            streams.get(s);
            assertArrayEquals(e, s);
            tokens += bpe.encode(s, true, true).length;
        }
        assertEquals(0, streams.remaining());
        JsonNode meta = new ObjectMapper().readTree(out.resolve("meta.json").toFile());
        assertEquals(tokens, meta.get("test_tokens").asLong());
        assertEquals(bpe.bosId(), meta.get("bos_id").asInt());
        assertTrue(meta.get("encoder_command").asText().contains("-qp 37"));
        assertEquals(r.bytesPerVideo(), meta.get("bytes_per_video").asDouble());
    }
}
