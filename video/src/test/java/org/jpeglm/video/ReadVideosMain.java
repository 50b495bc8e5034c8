package org.jpeglm.video;

import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * A child JVM of {@link VideoFileNamesTest}, run in the folder of the files: reads each argument, a file name
 * relative to it, as the toy profile's frames and prints "NAME FRAMES CRC" (a CRC32 of the frames' pixels).
 */
public final class ReadVideosMain {
    private ReadVideosMain() {}

    public static void main(String[] args) throws Exception {
        VideoFiles files = new VideoFiles();
        for (String name : args) {
            Video v = files.read(Path.of(name), VideoProfile.toy());
            System.out.println(name + " " + v.frameCount() + " " + crc(v));
        }
    }

    static long crc(Video v) {
        CRC32 crc = new CRC32();
        crc.update(RawFrames.toRgb24(v));
        return crc.getValue();
    }
}
