package org.jpeglm.convert;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.codec.igpt.IgptProfileFile;
import org.jpeglm.codec.igpt.IgptSpec;
import org.jpeglm.codec.jpeg.JpegLmSpec;
import org.jpeglm.codec.jpeg.JpegProfileFile;
import org.jpeglm.convert.CheckpointException.Kind;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.video.VideoLmSpec;
import org.jpeglm.video.VideoProfile;
import org.jpeglm.video.VideoProfileFile;

/**
 * The converter's spec step: the Jpeg-LM spec (tokenizer, JPEG profile, tables) a checkpoint's model gets, from
 * {@link JpegLmSources} resolved against the checkpoint directory, checked against the model's vocabulary.
 */
final class JpegLmSpecResolver {
    private JpegLmSpecResolver() {}

    /** A tokenizer source resolved: where to read it, or the tokenizer itself; both null when none was found. */
    private record FoundTokenizer(Path file, BpeTokenizer given) {
        boolean isMissing() {
            return file == null && given == null;
        }

        BpeTokenizer read() throws IOException {
            return given != null ? given : TokenizerFiles.read(file);
        }

        /** For messages: the file, or "given". */
        String describe() {
            return file != null ? file.toString() : "given";
        }

        /** For the summary: the file's name, or "given". */
        String label() {
            return file != null ? file.getFileName().toString() : "given";
        }
    }

    /** A profile found, and where it came from for messages; fields null when none was found. */
    private record FoundProfile(JpegProfileFile.Fields fields, String where) {}

    /**
     * The jpeglm.* keys the model gets: a video model's when the checkpoint holds a {@value
     * VideoProfileFile#FILE_NAME}, a pixel model's (igpt, bpe-igpt) when it holds a {@value
     * IgptProfileFile#FILE_NAME}, and no JPEG profile was asked for; an image model's otherwise.
     */
    static Map<String, GgufValue> resolveKeys(
            JpegLmSources sources, Path dir, HfLlamaConfig config, ConvertListener listener) throws IOException {
        Path video = dir.resolve(VideoProfileFile.FILE_NAME);
        Path pixels = dir.resolve(IgptProfileFile.FILE_NAME);
        boolean jpegAsked = !(sources.profile() instanceof ProfileSource.FromCheckpoint)
                || !sources.overrides().isEmpty();
        if (Files.isRegularFile(pixels) && !jpegAsked) {
            for (String other : new String[] {JpegProfileFile.FILE_NAME, VideoProfileFile.FILE_NAME}) {
                if (Files.isRegularFile(dir.resolve(other))) {
                    throw new CheckpointException(dir + " holds both " + other + " and " + IgptProfileFile.FILE_NAME
                            + ": two models' profiles; remove the wrong one");
                }
            }
            return resolvePixels(sources.tokenizer(), pixels, dir, config, listener)
                    .toGguf();
        }
        if (!Files.isRegularFile(video) || jpegAsked) {
            return resolve(sources, dir, config, listener).toGguf();
        }
        if (Files.isRegularFile(dir.resolve(JpegProfileFile.FILE_NAME))) {
            throw new CheckpointException(dir + " holds both " + JpegProfileFile.FILE_NAME + " and "
                    + VideoProfileFile.FILE_NAME + ": an image and a video model's profile; remove the wrong one");
        }
        return resolveVideo(sources.tokenizer(), video, dir, config, listener).toGguf();
    }

    /** A pixel model's spec: the checkpoint's igpt profile and the tokenizer over its symbols. */
    private static IgptSpec resolvePixels(
            TokenizerSource source, Path profileFile, Path dir, HfLlamaConfig config, ConvertListener listener)
            throws IOException {
        FoundTokenizer tokenizerSource = requireTokenizer(source, dir);
        IgptProfileFile.Contents contents;
        try {
            contents = IgptProfileFile.read(profileFile);
        } catch (IOException e) {
            throw new CheckpointException("the pixel profile: " + e.getMessage(), e);
        }
        BpeTokenizer tokenizer = tokenizerSource.read();
        checkVocabulary(tokenizer, tokenizerSource, config, listener);
        try {
            IgptSpec spec = contents.spec(tokenizer);
            listener.info(spec.codec() + ": tokenizer " + tokenizerSource.label() + " (" + tokenizer.vocabSize()
                    + " tokens, " + tokenizer.mergeCount() + " merges, BOS " + tokenizer.bosId() + ", EOS "
                    + tokenizer.eosId() + "); " + spec.profile().width() + "x"
                    + spec.profile().height() + ", "
                    + spec.profile().symbols() + (spec.profile().channels() == 1 ? " gray levels" : " colours"));
            return spec;
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(
                    "tokenizer " + tokenizerSource.describe() + " and " + profileFile + ": " + e.getMessage());
        }
    }

    /** The tokenizer source, which a video or pixel model cannot do without. */
    private static FoundTokenizer requireTokenizer(TokenizerSource source, Path dir) throws CheckpointException {
        FoundTokenizer found = tokenizer(source, dir);
        if (found.isMissing()) {
            throw new CheckpointException(
                    Kind.NO_TOKENIZER,
                    "no tokenizer: " + dir + " has no " + TokenizerFiles.FILE_NAME + " and no tokenizer was given",
                    "give one (a tokenizer.json or a Jpeg-LM .gguf), or write a plain llama GGUF without it");
        }
        return found;
    }

    /** A video model's spec: the checkpoint's video profile and the tokenizer. */
    private static VideoLmSpec resolveVideo(
            TokenizerSource source, Path profileFile, Path dir, HfLlamaConfig config, ConvertListener listener)
            throws IOException {
        FoundTokenizer tokenizerSource = requireTokenizer(source, dir);
        VideoProfile profile;
        try {
            profile = VideoProfileFile.read(profileFile);
        } catch (IOException e) {
            throw new CheckpointException("the video profile " + e.getMessage(), e);
        }
        BpeTokenizer tokenizer = tokenizerSource.read();
        checkVocabulary(tokenizer, tokenizerSource, config, listener);
        try {
            VideoLmSpec spec = new VideoLmSpec(profile, tokenizer);
            listener.info("Avc-LM: tokenizer " + tokenizerSource.label() + " (" + tokenizer.vocabSize() + " tokens, "
                    + tokenizer.mergeCount() + " merges, BOS " + tokenizer.bosId() + ", EOS " + tokenizer.eosId()
                    + "); " + profile.codec() + " " + profile.width() + "x" + profile.height() + ", "
                    + profile.frames() + " frames at " + profile.fps() + " fps, QP " + profile.qp() + ", "
                    + profile.pixelFormat());
            return spec;
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("tokenizer " + tokenizerSource.describe() + ": " + e.getMessage());
        }
    }

    static JpegLmSpec resolve(JpegLmSources sources, Path dir, HfLlamaConfig config, ConvertListener listener)
            throws IOException {
        FoundTokenizer tokenizerSource = tokenizer(sources.tokenizer(), dir);
        FoundProfile found = profile(sources.profile(), dir);
        JpegProfileFile.Fields overrides = sources.overrides();
        requirePresent(tokenizerSource, found, overrides, dir);
        JpegProfileFile.JpegLmSpecParts parts = complete(found, overrides);
        BpeTokenizer tokenizer = tokenizerSource.read();
        checkVocabulary(tokenizer, tokenizerSource, config, listener);
        try {
            JpegLmSpec spec = new JpegLmSpec(parts.profile(), parts.tables(), tokenizer);
            listener.info("Jpeg-LM: tokenizer " + tokenizerSource.label() + " (" + tokenizer.vocabSize() + " tokens, "
                    + tokenizer.mergeCount() + " merges, BOS " + tokenizer.bosId() + ", EOS "
                    + tokenizer.eosId() + "); JPEG quality " + parts.profile().quality() + ", "
                    + JpegLmSpec.subsamplingName(parts.profile().subsampling()) + ", restart interval "
                    + parts.profile().restartInterval()
                    + ", " + parts.profile().width() + "x" + parts.profile().height());
            return spec;
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(
                    "tokenizer " + tokenizerSource.describe() + ": " + e.getMessage()
                            + " (BOS and EOS are the special tokens named by tokenizer_config.json's bos_token/eos_token, <s> and </s> by default)");
        }
    }

    private static FoundTokenizer tokenizer(TokenizerSource source, Path dir) {
        return switch (source) {
            case TokenizerSource.FromCheckpoint c -> {
                Path own = dir.resolve(TokenizerFiles.FILE_NAME);
                yield new FoundTokenizer(Files.isRegularFile(own) ? own : null, null);
            }
            case TokenizerSource.FromFile f -> new FoundTokenizer(f.file(), null);
            case TokenizerSource.Given g -> new FoundTokenizer(null, g.tokenizer());
        };
    }

    private static FoundProfile profile(ProfileSource source, Path dir) throws IOException {
        return switch (source) {
            case ProfileSource.FromCheckpoint c -> {
                Path own = dir.resolve(JpegProfileFile.FILE_NAME);
                yield Files.isRegularFile(own)
                        ? new FoundProfile(JpegProfileFile.read(own), own.toString())
                        : new FoundProfile(null, null);
            }
            case ProfileSource.Paper p -> new FoundProfile(JpegProfileFile.paper(), "the paper's profile");
            case ProfileSource.FromFile f ->
                new FoundProfile(JpegProfileFile.read(f.file()), f.file().toString());
            case ProfileSource.FromGguf g -> {
                JpegLmSpec other = TokenizerFiles.readSpec(g.file());
                yield new FoundProfile(
                        JpegProfileFile.Fields.of(
                                other.profile(), other.tables(), g.file().toString()),
                        g.file().toString());
            }
            case ProfileSource.Given g -> new FoundProfile(g.fields(), "the given fields");
        };
    }

    private static void requirePresent(
            FoundTokenizer tokenizer, FoundProfile profile, JpegProfileFile.Fields overrides, Path dir)
            throws CheckpointException {
        boolean noProfile = profile.fields() == null && overrides.isEmpty();
        String plain = "or write a plain llama GGUF without them";
        if (tokenizer.isMissing() && noProfile) {
            throw new CheckpointException(
                    Kind.NO_TOKENIZER_NOR_PROFILE,
                    dir + " has no " + TokenizerFiles.FILE_NAME + " and no " + JpegProfileFile.FILE_NAME
                            + ", and neither was given: a Jpeg-LM model needs both to generate images",
                    "give a tokenizer and a JPEG profile (the paper's for the paper's JPEG settings), " + plain);
        }
        if (tokenizer.isMissing()) {
            throw new CheckpointException(
                    Kind.NO_TOKENIZER,
                    "no tokenizer: " + dir + " has no " + TokenizerFiles.FILE_NAME + " and no tokenizer was given",
                    "give one (a tokenizer.json or a Jpeg-LM .gguf), " + plain);
        }
        if (noProfile) {
            throw new CheckpointException(
                    Kind.NO_PROFILE,
                    "no JPEG profile: " + dir + " has no " + JpegProfileFile.FILE_NAME + " and no profile was given",
                    "give one (a file, a Jpeg-LM .gguf, the paper's: quality 25, 4:2:0, restart "
                            + "interval 1, 256x256) or complete profile overrides, " + plain);
        }
    }

    /** The profile with the overrides applied, complete; the overrides alone when no profile was found. */
    private static JpegProfileFile.JpegLmSpecParts complete(FoundProfile found, JpegProfileFile.Fields overrides)
            throws IOException {
        JpegProfileFile.Fields fields = found.fields() != null ? found.fields().overriddenBy(overrides) : overrides;
        String where = found.fields() == null
                ? "the overrides"
                : overrides.isEmpty() ? found.where() : found.where() + " with overrides";
        if (fields.missingKey().isPresent()) {
            throw new CheckpointException(
                    Kind.INCOMPLETE_PROFILE,
                    "the JPEG profile (" + where + ") lacks '"
                            + fields.missingKey().get() + "'",
                    "set it in " + JpegProfileFile.FILE_NAME + " or override it");
        }
        return fields.complete(where);
    }

    private static void checkVocabulary(
            BpeTokenizer tokenizer, FoundTokenizer source, HfLlamaConfig config, ConvertListener listener)
            throws CheckpointException {
        if (tokenizer.vocabSize() > config.vocabSize()) {
            throw new CheckpointException("the tokenizer " + source.describe() + " has " + tokenizer.vocabSize()
                    + " tokens but the model's vocab_size is " + config.vocabSize() + ": they do not belong together");
        }
        if (tokenizer.vocabSize() < config.vocabSize()) {
            listener.info("the model's vocab_size " + config.vocabSize() + " exceeds the tokenizer's "
                    + tokenizer.vocabSize() + " tokens (padding): ids from " + tokenizer.vocabSize()
                    + " on are never produced by the tokenizer");
        }
    }
}
