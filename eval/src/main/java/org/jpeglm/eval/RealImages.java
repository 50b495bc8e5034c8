package org.jpeglm.eval;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jpeglm.jpeg.JpegEncoder;
import org.jpeglm.jpeg.JpegImages;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.train.FashionMnist;
import org.jpeglm.train.MovingFashionMnist;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoProfile;

/** The real sets the metric's floors are measured on: Fashion-MNIST and moving Fashion-MNIST as the bundled models see them. */
public final class RealImages {
    /** The side of the bundled image model's images: Fashion-MNIST padded by 2 black pixels on every side. */
    public static final int SIDE = 32;

    private RealImages() {}

    /**
     * Fashion-MNIST's training (60,000) or test (10,000) images from Debian's dataset-fashion-mnist, from offset on,
     * count of them (all the rest if negative), each padded to 32×32 as the bundled model's training data is.
     */
    public static List<BufferedImage> fashionMnist(boolean train, int offset, int count) throws IOException {
        requireOffset(offset);
        List<FashionMnist.Item> items =
                FashionMnist.read(FashionMnist.DEBIAN_DIR, train, count < 0 ? -1 : offset + count);
        if (offset > items.size() || (count >= 0 && offset + count > items.size())) {
            throw new IllegalArgumentException("Fashion-MNIST's " + (train ? "training" : "test") + " split has "
                    + items.size() + " images: images " + offset + " to " + (offset + count - 1) + " do not exist");
        }
        List<BufferedImage> out = new ArrayList<>(items.size() - offset);
        for (FashionMnist.Item item : items.subList(offset, items.size())) {
            out.add(FashionMnist.pad(item.image(), SIDE));
        }
        return out;
    }

    /**
     * Images of a split with a chosen class mix: from offset on, the first {@code counts[c]} images of each class c (in
     * {@link FashionMnist#LABELS}' order), in the split's order, each padded as {@link #fashionMnist} pads.
     * For the floor of a set whose class histogram is not the data's (a model's samples, as the metric classifies
     * them): what a perfect model with that histogram would score.
     */
    public static List<BufferedImage> fashionMnist(boolean train, int offset, int[] counts) throws IOException {
        requireOffset(offset);
        List<FashionMnist.Item> items = FashionMnist.read(FashionMnist.DEBIAN_DIR, train, -1);
        int[] labels = items.stream().mapToInt(FashionMnist.Item::label).toArray();
        List<BufferedImage> out = new ArrayList<>();
        for (int i : classMix(labels, offset, counts)) {
            out.add(FashionMnist.pad(items.get(i).image(), SIDE));
        }
        return out;
    }

    /**
     * The indices into labels of a class mix: from offset on, the first {@code counts[c]} of each class c, ascending.
     * Counts the labels cannot give are refused, naming the class.
     */
    static int[] classMix(int[] labels, int offset, int[] counts) {
        requireOffset(offset);
        if (counts.length != FashionClassifier.CLASSES) {
            throw new IllegalArgumentException(
                    "a class mix names " + FashionClassifier.CLASSES + " counts, one a class; got " + counts.length);
        }
        int[] left = counts.clone();
        for (int c = 0; c < left.length; c++) {
            if (left[c] < 0) {
                throw new IllegalArgumentException("a class count must be at least 0, got " + left[c]);
            }
        }
        int[] chosen = new int[Math.max(0, labels.length - offset)];
        int n = 0;
        for (int i = offset; i < labels.length; i++) {
            if (left[labels[i]] > 0) {
                left[labels[i]]--;
                chosen[n++] = i;
            }
        }
        for (int c = 0; c < left.length; c++) {
            if (left[c] > 0) {
                throw new IllegalArgumentException("the split has only " + (counts[c] - left[c]) + " images of class "
                        + FashionMnist.LABELS.get(c) + " from image " + offset + " on, not " + counts[c]);
            }
        }
        return Arrays.copyOf(chosen, n);
    }

    private static void requireOffset(int offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("the offset must be at least 0, got " + offset);
        }
    }

    /** The first count (all if negative) images of a split. */
    public static List<BufferedImage> fashionMnist(boolean train, int count) throws IOException {
        return fashionMnist(train, 0, count);
    }

    /**
     * Each image encoded by this project's JPEG encoder in profile (the model's own: the codec's floor) and decoded
     * as generated images are.
     */
    public static List<BufferedImage> throughJpeg(List<BufferedImage> images, JpegProfile profile) {
        JpegEncoder encoder = new JpegEncoder(profile);
        return images.parallelStream()
                .map(i -> JpegImages.decode(encoder.encode(i), profile))
                .toList();
    }

    /**
     * Moving Fashion-MNIST videos as the bundled video model's data recipe makes them (train/make-bundled-video-model:
     * 64×64, 15 frames at 3 fps; training videos from the training images with seed 1, test videos from the test
     * images with seed 2): videos offset to offset + count - 1.
     */
    public static List<Video> movingFashionMnist(boolean train, int offset, int count) throws IOException {
        if (offset < 0 || count < 0) {
            throw new IllegalArgumentException("video offset and count must be at least 0");
        }
        VideoProfile p = VideoProfile.toy();
        return new MovingFashionMnist(
                        FashionMnist.read(FashionMnist.DEBIAN_DIR, train, -1),
                        p.width(),
                        p.frames(),
                        p.fps(),
                        train ? 1 : 2)
                .videos(offset, count);
    }

    /** The frames of videos from frame index from on (0: all), video by video. */
    public static List<BufferedImage> frames(List<Video> videos, int from) {
        List<BufferedImage> out = new ArrayList<>();
        for (Video v : videos) {
            List<BufferedImage> f = v.frames();
            out.addAll(f.subList(Math.min(from, f.size()), f.size()));
        }
        return out;
    }

    /** The labels of a split, from offset on, count of them (all the rest if negative). */
    public static int[] labels(boolean train, int offset, int count) throws IOException {
        List<FashionMnist.Item> items = FashionMnist.read(FashionMnist.DEBIAN_DIR, train, -1);
        int end = count < 0 ? items.size() : Math.min(items.size(), offset + count);
        return items.subList(offset, end).stream()
                .mapToInt(FashionMnist.Item::label)
                .toArray();
    }
}
