package org.jpeglm.serve;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a request's uploaded files into a codec's artefacts, each refused alone with a 4xx naming its field (and its
 * place, for several): {@link UploadedImages} (any image ImageIO reads) or {@link UploadedVideos} (any video ffmpeg
 * reads).
 *
 * @param <A> the artefact: an image, a video
 */
interface Uploads<A> {
    /** One file of field as an artefact; a file that is none is the client's error, naming field. */
    A decode(String field, byte[] file);

    /** Each of field's files, in order; field[i] names the one refused when there are several. */
    default List<A> decode(String field, List<byte[]> files) {
        List<A> out = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            out.add(decode(files.size() == 1 ? field : field + "[" + i + "]", files.get(i)));
        }
        return out;
    }
}
