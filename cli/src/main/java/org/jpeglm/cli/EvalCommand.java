package org.jpeglm.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.jpeglm.codec.jpeg.JpegLmSpec;
import org.jpeglm.eval.ClassifierInput;
import org.jpeglm.eval.QualityMetric;
import org.jpeglm.eval.QualityReport;
import org.jpeglm.eval.RealImages;
import org.jpeglm.eval.Reference;
import org.jpeglm.gguf.GgufFile;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.video.H264Decoder;
import org.jpeglm.video.H264Encoder;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "eval",
        sortOptions = false,
        description = {
            "Measure the quality of a set of images in the Fashion-MNIST domain: FID, KID, precision and recall against "
                    + "real images (by default the 10,000 test images), the recognisable share and the class histogram, "
                    + "by a small CNN trained on Fashion-MNIST (eval/README.md).",
            "",
            "Images of 32x32 (the bundled model's size: the centre 28x28 is used, undoing its padding), 28x28 or 64x64 "
                    + "(video frames: averaged 2x2 first). FID falls as the number of images N grows: compare sets of the "
                    + "same N (the report says N). The same images give the same report, to the last digit.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  jpeglm generate -n 2000 -o gen && jpeglm eval gen     # a model's samples against the test set",
            "  jpeglm eval --real train -n 2000                      # the floor: 2000 real training images",
            "  jpeglm eval --real test -n 2000 --jpeg                # the codec's floor: test images through the model's JPEG",
            "  jpeglm eval --real train --jpeg --class-mix 65,50,13,232,113,137,125,72,136,57  # a class mix's floor",
            "  jpeglm eval --real train-videos -n 300                # video frames against the test videos' frames",
            "  jpeglm eval completions --reference originals --json  # against other real images, as JSON"
        })
public final class EvalCommand extends JpeglmCommand {
    /** Images per set at most (the training split's size; precision and recall grow with its square). */
    static final int MAX_IMAGES = 60_000;

    /** Images (videos) of a real set when -n is not given. */
    static final int DEFAULT_COUNT = 2000;

    @Parameters(
            paramLabel = "DIR",
            arity = "0..1",
            description = "folder of the images to measure (the files matching --glob; a run's grid.png is left out)")
    Path dir;

    @Option(
            names = "--glob",
            paramLabel = "PATTERN",
            description = "which files of DIR and --reference are images (default: ${DEFAULT-VALUE})")
    String glob = "*.png";

    @Option(
            names = "--real",
            paramLabel = "SPLIT",
            description = "measure real images instead of DIR (the floors): Fashion-MNIST's train or test split, or "
                    + "the frames of moving Fashion-MNIST's train-videos or test-videos (the video model's data) against "
                    + "the 300 test videos' frames")
    String real;

    @Option(
            names = {"-n", "--count"},
            paramLabel = "N",
            description = "with --real: how many images (videos for the video splits), from --offset on (default: "
                    + DEFAULT_COUNT + ")")
    Integer count;

    @Option(
            names = "--offset",
            paramLabel = "I",
            description = "with --real: the first image (default: ${DEFAULT-VALUE})")
    int offset;

    @Option(
            names = "--class-mix",
            paramLabel = "COUNTS",
            split = ",",
            description =
                    "with --real train or test: instead of -n, this many images of each of the 10 classes (in the "
                            + "order of the report's class histogram), the first of each from --offset on: the floor of a "
                            + "set with that histogram, e.g. a model's samples' class_counts")
    int[] classMix;

    @Option(
            names = "--jpeg",
            description = "with --real: pass the images through the JPEG profile of the model (-m) first")
    boolean jpeg;

    @Option(
            names = "--h264",
            description =
                    "with the video splits: pass the videos through the H.264 profile of the video model (-m) first")
    boolean h264;

    @Option(
            names = {"-m", "--model"},
            paramLabel = "FILE",
            description = "with --jpeg or --h264: the model whose profile to use (default: $JPEGLM_MODEL or "
                    + "$JPEGLM_VIDEO_MODEL, else the bundled " + ModelArgs.BUNDLED + " or " + ModelArgs.BUNDLED_VIDEO
                    + ")")
    Path model;

    @Option(
            names = "--reference",
            paramLabel = "DIR",
            description = "measure against the images in this folder instead of the Fashion-MNIST test set")
    Path reference;

    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    public EvalCommand() {}

    @Override
    protected int run() throws Exception {
        List<BufferedImage> images = images();
        QualityMetric metric = QualityMetric.load();
        Reference ref = reference != null
                ? metric.reference(reference.toString(), read(reference, "--reference"))
                : real != null && real.endsWith("-videos") ? metric.testVideoFrames() : metric.testSet();
        QualityReport report = metric.evaluate(images, ref);
        out().print(json ? report.toJson() : report.toText());
        out().flush();
        return 0;
    }

    private List<BufferedImage> images() throws IOException {
        if ((dir == null) == (real == null)) {
            throw new IllegalArgumentException("give a folder of images (DIR) or --real train|test, one of them");
        }
        if (real == null) {
            if (jpeg || h264 || model != null || classMix != null) {
                throw new IllegalArgumentException("--jpeg, --h264, --class-mix and -m apply to --real only");
            }
            return read(dir, "DIR");
        }
        int n = count != null ? count : DEFAULT_COUNT;
        if (n < 1 || n > MAX_IMAGES || offset < 0) {
            throw new IllegalArgumentException(
                    "--count must be 1 to " + MAX_IMAGES + " and --offset at least 0, got " + n + " and " + offset);
        }
        boolean videos = real.endsWith("-videos");
        if (!List.of("train", "test", "train-videos", "test-videos").contains(real)) {
            throw new IllegalArgumentException("--real must be train, test, train-videos or test-videos, not " + real);
        }
        if (videos ? jpeg : h264) {
            throw new IllegalArgumentException("--jpeg goes with the image splits, --h264 with the video splits");
        }
        if (classMix != null) {
            requireClassMix(videos);
        }
        boolean train = real.startsWith("train");
        if (videos) {
            List<Video> clips = RealImages.movingFashionMnist(train, offset, n);
            return RealImages.frames(h264 ? throughH264(clips) : clips, 0);
        }
        List<BufferedImage> images = classMix != null
                ? RealImages.fashionMnist(train, offset, classMix)
                : RealImages.fashionMnist(train, offset, n);
        return jpeg ? RealImages.throughJpeg(images, profile()) : images;
    }

    /** --class-mix goes with an image split, without -n, and asks for 1 to MAX_IMAGES images in all. */
    private void requireClassMix(boolean videos) {
        if (videos || count != null) {
            throw new IllegalArgumentException(
                    "--class-mix goes with --real train or test, without -n (its counts say how many)");
        }
        long mixed = Arrays.stream(classMix).asLongStream().sum();
        if (mixed < 1 || mixed > MAX_IMAGES) {
            throw new IllegalArgumentException(
                    "--class-mix must ask for 1 to " + MAX_IMAGES + " images in all, got " + mixed);
        }
    }

    /** Each video encoded in the video model's profile (the bytes its training data has) and decoded by ffmpeg. */
    private List<Video> throughH264(List<Video> clips) throws IOException {
        ModelArgs args = new ModelArgs();
        args.model = model;
        args.videoByDefault = true;
        VideoProfile profile;
        try (GgufFile f = GgufFile.open(args.modelPath())) {
            if (!VideoProfile.isVideo(f.metadata())) {
                throw new IllegalArgumentException(f.path() + " is not a video model: it has no H.264 profile");
            }
            profile = VideoProfile.fromGguf(f.metadata());
        }
        H264Decoder decoder = new H264Decoder();
        List<Video> out = new ArrayList<>();
        for (byte[] stream : new H264Encoder().encodeAll(clips, profile)) {
            out.add(decoder.decode(stream, profile).video());
        }
        return out;
    }

    /** The JPEG profile of -m (or the bundled model), read from its metadata: no native code is loaded. */
    private JpegProfile profile() throws IOException {
        ModelArgs args = new ModelArgs();
        args.model = model;
        try (GgufFile f = GgufFile.open(args.modelPath())) {
            if (!JpegLmSpec.isJpegLm(f.metadata())) {
                throw new IllegalArgumentException(f.path() + " is not a Jpeg-LM image model: it has no JPEG profile");
            }
            return JpegLmSpec.fromMetadata(f.metadata()).profile();
        }
    }

    /** The images in folder matching --glob, by name, without a run's grid.png; each of a size the metric reads. */
    private List<BufferedImage> read(Path folder, String what) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(what + " " + folder + " is not a folder");
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(p -> matcher.matches(p.getFileName()))
                    .filter(p -> !p.getFileName().toString().equals(RunOutput.GRID))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        }
        if (files.size() < 4 || files.size() > MAX_IMAGES) {
            throw new IllegalArgumentException(what + " " + folder + " has " + files.size() + " files matching " + glob
                    + ": the metric needs 4 to " + MAX_IMAGES);
        }
        List<BufferedImage> images = new ArrayList<>(files.size());
        for (Path f : files) {
            BufferedImage image = InputImages.read(f);
            if (!ClassifierInput.accepts(image)) {
                throw new IllegalArgumentException(f + " is " + image.getWidth() + "x" + image.getHeight()
                        + ": the metric reads images of " + ClassifierInput.SIZES);
            }
            images.add(image);
        }
        return images;
    }
}
