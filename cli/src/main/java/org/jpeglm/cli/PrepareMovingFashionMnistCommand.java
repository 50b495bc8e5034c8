package org.jpeglm.cli;

import java.util.Locale;
import org.jpeglm.train.MovingFashionMnistPreparation;
import org.jpeglm.video.VideoProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jpeglm prepare-moving-fashion-mnist}: the bundled video model's training data (see train/README.md). */
@Command(
        name = "prepare-moving-fashion-mnist",
        sortOptions = false,
        description = "Make moving Fashion-MNIST videos, encode them as H.264 (ffmpeg/libx264) and write Avc-LM "
                + "token windows (tokenizer and video profile included).",
        footer = {
            "",
            "Example:",
            "  jpeglm prepare-moving-fashion-mnist -o train/video-data --videos 20000 --merges 766"
        })
public final class PrepareMovingFashionMnistCommand extends JpeglmCommand {
    @Mixin
    PrepareArgs dirs;

    @Option(names = "--videos", description = "training videos (default: ${DEFAULT-VALUE})")
    int videos = 20_000;

    @Option(names = "--test-videos", description = "test videos (default: ${DEFAULT-VALUE})")
    int testVideos = 500;

    @Option(names = "--size", description = "frame side (default: ${DEFAULT-VALUE})")
    int size = 64;

    @Option(names = "--frames", description = "frames per video (default: ${DEFAULT-VALUE})")
    int frames = 15;

    @Option(names = "--fps", description = "frames per second (default: ${DEFAULT-VALUE})")
    int fps = 3;

    @Option(names = "--qp", description = "constant H.264 quantization parameter (default: ${DEFAULT-VALUE})")
    int qp = 37;

    @Option(names = "--merges", description = "BPE merges (default: ${DEFAULT-VALUE}: 1024 tokens)")
    int merges = 766;

    @Option(names = "--bpe-videos", description = "videos the BPE is learned from (default: ${DEFAULT-VALUE})")
    int bpeVideos = 10_000;

    @Option(
            names = {"-c", "--ctx-size"},
            description = "window length in tokens (default: ${DEFAULT-VALUE})")
    int context = 1024;

    @Option(names = "--seed", description = "dataset seed (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--processes", description = "ffmpeg processes at once (default: ${DEFAULT-VALUE})")
    int processes = 2;

    @Override
    protected int run() throws Exception {
        VideoProfile toy = VideoProfile.toy();
        VideoProfile profile =
                new VideoProfile(toy.codec(), size, size, fps, frames, qp, toy.pixelFormat(), toy.encoder());
        var options = new MovingFashionMnistPreparation.Options(
                dirs.data, dirs.out, videos, testVideos, profile, merges, bpeVideos, context, seed, processes);
        MovingFashionMnistPreparation.Result r = new MovingFashionMnistPreparation(options).run();
        err().printf(
                        Locale.ROOT,
                        "%d training videos: %.1f bytes, %.1f tokens per video (BOS and EOS included, at most %d);"
                                + " vocabulary %d; %d training and %d test windows of %d tokens in %s%n",
                        r.trainVideos(),
                        r.bytesPerVideo(),
                        r.tokensPerVideo(),
                        r.maxTokensPerVideo(),
                        r.vocabSize(),
                        r.trainWindows(),
                        r.testWindows(),
                        context,
                        dirs.out);
        return 0;
    }
}
