package org.jpeglm.bpe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.jpeglm.jpeg.JpegEncoder;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.jpeg.JpegStreams;
import org.jpeglm.jpeg.Subsampling;

/**
 * The Java half of the Hugging Face fixture that {@link HfFixtureTest} checks: a corpus of real abbreviated
 * JPEG streams (Jpeg-LM's profile, made from the committed test images), tokenizers exported with
 * {@link HfTokenizerJson}, and the byte inputs whose ids HF computes.
 *
 * <p>Regenerate the whole fixture (run from {@code jpeglm/}; the Node half needs the npm package
 * {@code tokenizers}, Hugging Face's Rust library with prebuilt Node bindings):
 * <pre>
 *   scripts/run-test-tool bpe org.jpeglm.bpe.HfFixture bpe/src/test/resources/bpe/hf-fixture /tmp/hf-work
 *   (mkdir -p /tmp/hf-node &amp;&amp; cd /tmp/hf-node &amp;&amp; npm install tokenizers@0.23.2)
 *   TOKENIZERS_HOME=/tmp/hf-node node src/test/resources/bpe/make_hf_fixture.mjs \
 *       src/test/resources/bpe/hf-fixture /tmp/hf-work
 * </pre>
 * This program writes {@code jpeglm-trained.tokenizer.json} (our trainer's 320 merges on the corpus),
 * {@code shuffled.tokenizer.json} (the same pieces with ids permuted, ranks shuffled so that merges use
 * tokens only later merges make, and {@code ignore_merges}), {@code cases.json} without ids, and the corpus,
 * one raw file per stream, to the work folder. The Node script trains HF's own BPE on that corpus
 * ({@code hf-trained.tokenizer.json}) and adds HF's ids for every case and tokenizer to {@code cases.json}.
 */
final class HfFixture {
    /** Merges of the trained tokenizers. */
    static final int MERGES = BpeTrainer.DEFAULT_MERGE_COUNT;

    static final String JPEGLM_TRAINED = "jpeglm-trained";
    static final String SHUFFLED = "shuffled";
    static final String HF_TRAINED = "hf-trained";

    private static final JpegProfile PAPER = JpegProfile.PAPER.anySize();
    private static final JpegProfile GRAY = JpegProfile.of(25, Subsampling.GRAY, 1);

    private HfFixture() {}

    static BufferedImage image(String source) {
        try (InputStream in = HfFixture.class.getResourceAsStream("/jpeg/sources/" + source)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource /jpeg/sources/" + source);
            }
            return ImageIO.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] stream(JpegProfile profile, String source, int left, int top, int width, int height) {
        return new JpegEncoder(profile).encode(image(source).getSubimage(left, top, width, height));
    }

    /**
     * The training corpus: for each photo its whole 256×256 stream and sixteen 64×64 crops on a grid; the
     * small gray Fashion-MNIST images; a few synthetic images; and one stream of the 256 byte values, so that
     * HF's trainer (whose alphabet is the bytes it sees) knows every byte. Deterministic.
     */
    static List<byte[]> corpus() {
        List<byte[]> out = new ArrayList<>();
        for (String photo :
                List.of("hopper.png", "seeding.png", "picos.png", "wine.png", "life-gray.png", "umang-gray.png")) {
            JpegProfile p = photo.contains("gray") ? GRAY : PAPER;
            out.add(stream(p, photo, 0, 0, 256, 256));
            for (int y = 0; y < 256; y += 64) {
                for (int x = 0; x < 256; x += 64) {
                    out.add(stream(p, photo, x, y, 64, 64));
                }
            }
        }
        for (int i = 0; i < 6; i++) {
            out.add(stream(GRAY, "fashion" + i + ".png", 0, 0, 28, 28));
        }
        out.add(stream(PAPER, "rainbow.png", 0, 0, 100, 75));
        out.add(stream(PAPER, "ramp-rgb.png", 0, 0, 256, 256));
        out.add(stream(PAPER, "noise-rgb.png", 0, 0, 64, 64));
        out.add(stream(GRAY, "checker.png", 0, 0, 72, 56));
        byte[] all = new byte[256];
        for (int b = 0; b < 256; b++) {
            all[b] = (byte) b;
        }
        out.add(all);
        return out;
    }

    /** SHA-256 of the corpus (lengths and bytes), so the test knows it rebuilt the corpus HF trained on. */
    static String digest(List<byte[]> corpus) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] s : corpus) {
                md.update(new byte[] {
                    (byte) (s.length >>> 24), (byte) (s.length >>> 16), (byte) (s.length >>> 8), (byte) s.length
                });
                md.update(s);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    record Input(String name, byte[] bytes) {}

    /** The byte inputs: real streams (in and out of the corpus), a prompt prefix, and synthetic edge cases. */
    static List<Input> inputs() {
        List<Input> out = new ArrayList<>();
        out.add(new Input("hopper 256x256 (in the corpus)", stream(PAPER, "hopper.png", 0, 0, 256, 256)));
        byte[] seeding = stream(PAPER, "seeding.png", 37, 101, 64, 64);
        out.add(new Input("seeding 64x64 crop off the grid", seeding));
        out.add(new Input("seeding 64x64 prefix at ratio 0.5", JpegStreams.prefix(seeding, 0.5)));
        out.add(new Input("picos 32x32", stream(PAPER, "picos.png", 200, 13, 32, 32)));
        out.add(new Input("wine 100x75", stream(PAPER, "wine.png", 11, 150, 100, 75)));
        out.add(new Input("life gray 64x64", stream(GRAY, "life-gray.png", 150, 33, 64, 64)));
        out.add(new Input("umang gray 31x45", stream(GRAY, "umang-gray.png", 17, 29, 31, 45)));
        out.add(new Input("fashion3 gray 28x28", stream(GRAY, "fashion3.png", 0, 0, 28, 28)));
        out.add(new Input("noise 32x32", stream(PAPER, "noise-rgb.png", 50, 40, 32, 32)));
        out.add(new Input("flat rust 17x9", stream(PAPER, "flat-rust.png", 3, 3, 17, 9)));
        out.add(new Input("ramp gray 64x64", stream(GRAY, "ramp-gray.png", 20, 40, 64, 64)));
        out.add(new Input("paper header", JpegStreams.header(JpegProfile.PAPER)));
        out.add(new Input("empty", new byte[0]));
        out.add(new Input("one byte", new byte[] {(byte) 0xFF}));
        out.add(new Input("ascii", "hello  world\n".getBytes(StandardCharsets.US_ASCII)));
        byte[] all = new byte[256];
        for (int b = 0; b < 256; b++) {
            all[b] = (byte) (255 - b);
        }
        out.add(new Input("all bytes descending", all));
        byte[] ff00 = new byte[100];
        for (int i = 0; i < ff00.length; i += 2) {
            ff00[i] = (byte) 0xFF;
        }
        out.add(new Input("ff00 run", ff00));
        out.add(new Input("zeros", new byte[33]));
        Random rnd = new Random(7);
        byte[] random = new byte[300];
        rnd.nextBytes(random);
        out.add(new Input("random bytes", random));
        byte[] markers = new byte[500];
        byte[] alphabet = {(byte) 0xFF, 0x00, (byte) 0xD0, 0x3F, (byte) 0xE2, (byte) 0x8A};
        for (int i = 0; i < markers.length; i++) {
            markers[i] = alphabet[rnd.nextInt(alphabet.length)];
        }
        out.add(new Input("marker-like bytes", markers));
        return out;
    }

    /**
     * {@code t}'s pieces and merges in another layout: every id (special tokens too) permuted, the ranks
     * shuffled (so the table is not monotone and encoding takes the general engine), {@code ignore_merges}.
     */
    static BpeTokenizer shuffled(BpeTokenizer t, long seed) {
        Random rnd = new Random(seed);
        int n = t.vocabSize();
        List<Integer> perm = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            perm.add(i);
        }
        Collections.shuffle(perm, rnd);
        VocabEntry[] vocab = new VocabEntry[n];
        for (int id = 0; id < n; id++) {
            vocab[perm.get(id)] = t.entry(id);
        }
        List<TokenPair> merges = new ArrayList<>();
        for (TokenPair m : t.merges()) {
            merges.add(new TokenPair(perm.get(m.left()), perm.get(m.right())));
        }
        Collections.shuffle(merges, rnd);
        return BpeTokenizer.of(List.of(vocab), merges, perm.get(t.bosId()), perm.get(t.eosId()), true);
    }

    /** Writes the Java half of the fixture to {@code args[0]} and the raw corpus to {@code args[1]}/corpus. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: HfFixture FIXTURE_DIR WORK_DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Path corpusDir = Path.of(args[1]).resolve("corpus");
        Files.createDirectories(dir);
        Files.createDirectories(corpusDir);
        List<byte[]> corpus = corpus();
        for (int i = 0; i < corpus.size(); i++) {
            Files.write(corpusDir.resolve("%04d.bin".formatted(i)), corpus.get(i));
        }
        BpeTokenizer trained = BpeTrainer.defaults().withMergeCount(MERGES).train(corpus);
        ObjectMapper json = new ObjectMapper();
        // Compact, not pretty: the fixture stays small.
        json.writeValue(dir.resolve(JPEGLM_TRAINED + ".tokenizer.json").toFile(), HfTokenizerJson.toJson(trained));
        json.writeValue(
                dir.resolve(SHUFFLED + ".tokenizer.json").toFile(), HfTokenizerJson.toJson(shuffled(trained, 11)));

        ObjectNode root = json.createObjectNode();
        root.put("corpus_streams", corpus.size());
        root.put("corpus_sha256", digest(corpus));
        root.put("merges", MERGES);
        ArrayNode tokenizers = root.putArray("tokenizers");
        tokenizers.add(JPEGLM_TRAINED);
        tokenizers.add(SHUFFLED);
        tokenizers.add(HF_TRAINED);
        ArrayNode cases = root.putArray("cases");
        for (Input in : inputs()) {
            ObjectNode c = cases.addObject();
            c.put("name", in.name());
            c.put("input_base64", Base64.getEncoder().encodeToString(in.bytes()));
        }
        json.writeValue(dir.resolve("cases.json").toFile(), root);
        long bytes = 0;
        for (byte[] s : corpus) {
            bytes += s.length;
        }
        System.out.println("corpus: " + corpus.size() + " streams, " + bytes + " bytes -> " + corpusDir);
        System.out.println(
                "wrote " + dir + ": 2 tokenizers, " + cases.size() + " cases (ids to be added by make_hf_fixture.mjs)");
    }
}
