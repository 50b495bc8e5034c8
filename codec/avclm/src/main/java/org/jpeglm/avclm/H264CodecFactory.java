package org.jpeglm.avclm;

import java.util.Set;
import org.jpeglm.ModelMetadata;
import org.jpeglm.codec.Codec;
import org.jpeglm.codec.CodecFactory;
import org.jpeglm.video.Ffmpeg;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoLmSpec;
import org.jpeglm.video.VideoProfile;

/**
 * The h264 codec's factory: Avc-LM model files ({@link VideoLmSpec}'s keys) to the codec of their spec, running
 * ffmpeg as the system's settings say when it is called ({@link Ffmpeg#system()}).
 */
public final class H264CodecFactory implements CodecFactory<Video, GeneratedVideo> {
    public H264CodecFactory() {}

    @Override
    public Set<String> names() {
        return Set.of(VideoProfile.H264);
    }

    /**
     * The h264 codec of the file's spec.
     *
     * @throws IllegalArgumentException naming the key that is missing or wrong
     */
    @Override
    public Codec<Video, GeneratedVideo> fromGguf(ModelMetadata metadata) {
        return H264Codec.of(VideoLmSpec.fromMetadata(metadata.values()), Ffmpeg.system());
    }

    @Override
    public String toString() {
        return "H264CodecFactory" + names();
    }
}
