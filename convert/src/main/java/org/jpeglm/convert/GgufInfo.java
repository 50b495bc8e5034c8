package org.jpeglm.convert;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jpeglm.ModelMetadata;
import org.jpeglm.avclm.H264CodecFactory;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.codec.Codec;
import org.jpeglm.codec.CodecFactory;
import org.jpeglm.codec.Codecs;
import org.jpeglm.codec.igpt.IgptSpec;
import org.jpeglm.codec.igpt.PixelCodecFactory;
import org.jpeglm.codec.jpeg.JpegLmSpec;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.gguf.GgufFile;
import org.jpeglm.gguf.GgufTensorInfo;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.gguf.GgufValueType;
import org.jpeglm.image.JpegCodecFactory;
import org.jpeglm.video.VideoLmSpec;
import org.jpeglm.video.VideoProfile;

/** A readable dump of any GGUF file's header: metadata, tensors, and the codec it names with its profile. */
public final class GgufInfo {
    private GgufInfo() {}

    /**
     * Prints path's header.
     *
     * @param tensors whether to list every tensor
     * @param full    whether to print whole arrays and strings (else the first values and a count)
     */
    public static void print(Path path, PrintWriter out, boolean tensors, boolean full) throws IOException {
        try (GgufFile f = GgufFile.open(path)) {
            out.printf(
                    "%s: GGUF v%d, %s, %d metadata keys, %d tensors, alignment %d, data at byte %d%n",
                    path,
                    f.version(),
                    ByteSize.format(f.fileSize()),
                    f.metadata().size(),
                    f.tensors().size(),
                    f.alignment(),
                    f.dataOffset());
            out.println();
            out.println("metadata:");
            int width = f.metadata().keySet().stream()
                    .mapToInt(String::length)
                    .max()
                    .orElse(0);
            for (Map.Entry<String, GgufValue> e : f.metadata().entrySet()) {
                out.printf(
                        "  %-" + width + "s  %-14s %s%n",
                        e.getKey(),
                        e.getValue().describeType(),
                        show(e.getValue(), full));
            }
            long params = 0;
            long tensorBytes = 0;
            Map<GgmlType, long[]> byType = new TreeMap<>();
            for (GgufTensorInfo t : f.tensors()) {
                params += t.elementCount();
                tensorBytes += t.byteSize();
                long[] c = byType.computeIfAbsent(t.type(), k -> new long[2]);
                c[0]++;
                c[1] += t.byteSize();
            }
            out.println();
            out.printf("tensors: %d, %,d parameters, %s%n", f.tensors().size(), params, ByteSize.format(tensorBytes));
            for (Map.Entry<GgmlType, long[]> e : byType.entrySet()) {
                out.printf("  %-6s %5d tensors, %s%n", e.getKey(), e.getValue()[0], ByteSize.format(e.getValue()[1]));
            }
            if (tensors) {
                int nameWidth = f.tensors().stream()
                        .mapToInt(t -> t.name().length())
                        .max()
                        .orElse(4);
                out.printf(
                        "  %5s  %-" + nameWidth + "s  %-6s  %-22s  %14s  %12s%n",
                        "#",
                        "name",
                        "type",
                        "shape (ggml order)",
                        "offset",
                        "bytes");
                int i = 0;
                for (GgufTensorInfo t : f.tensors()) {
                    out.printf(
                            "  %5d  %-" + nameWidth + "s  %-6s  %-22s  %14d  %12d%n",
                            i++,
                            t.name(),
                            t.type(),
                            Arrays.toString(t.shape()),
                            t.offset(),
                            t.byteSize());
                }
            }
            out.println();
            printCodec(out, f.metadata());
        }
        out.flush();
    }

    /**
     * The codec the file names, as the registry knows it ({@link Codecs}): its name and what one stream is, then the
     * profile of the codecs this tool describes further.
     */
    private static void printCodec(PrintWriter out, Map<String, GgufValue> metadata) {
        if (!metadata.containsKey(Codecs.CODEC_KEY) && !JpegLmSpec.isJpegLm(metadata)) {
            out.println("no jpeglm.* keys: not a Jpeg-LM model file (no tokenizer or JPEG profile inside)");
            return;
        }
        ModelMetadata keys = new ModelMetadata(metadata);
        CodecFactory<?, ?> factory;
        try {
            factory = Codecs.factoryOf(keys);
        } catch (IllegalArgumentException e) {
            out.println("codec: " + e.getMessage());
            return;
        }
        try {
            Codec<?, ?> codec = factory.fromGguf(keys);
            out.printf(
                    "codec: %s, each stream %s %s of %d %s%n",
                    codec.name(),
                    "aeiou".indexOf(codec.noun().charAt(0)) >= 0 ? "an" : "a",
                    codec.noun(),
                    codec.units(),
                    codec.unitName());
        } catch (IllegalArgumentException e) {
            out.println("codec " + Codecs.declared(keys) + ": the jpeglm.* keys are broken: " + e.getMessage());
            return;
        }
        switch (factory) {
            case JpegCodecFactory jpeg -> printJpeg(out, metadata);
            case H264CodecFactory h264 -> printVideo(out, metadata);
            case PixelCodecFactory pixels -> printPixels(out, metadata);
            default -> {} // a codec of another module: its name and noun are all this tool knows of it
        }
    }

    private static void printJpeg(PrintWriter out, Map<String, GgufValue> metadata) {
        JpegLmSpec spec = JpegLmSpec.fromMetadata(metadata);
        BpeTokenizer tok = spec.tokenizer();
        out.printf(
                "Jpeg-LM: JPEG quality %d, %s, restart interval %d, %dx%d, %d quantization and %d Huffman tables%n",
                spec.profile().quality(),
                JpegLmSpec.subsamplingName(spec.profile().subsampling()),
                spec.profile().restartInterval(),
                spec.profile().width(),
                spec.profile().height(),
                spec.tables().quantTables().size(),
                spec.tables().huffmanTables().size());
        out.printf(
                "         tokenizer: %d tokens, %d merges, BOS %d, EOS %d%n",
                tok.vocabSize(), tok.mergeCount(), tok.bosId(), tok.eosId());
    }

    private static void printPixels(PrintWriter out, Map<String, GgufValue> metadata) {
        IgptSpec spec = IgptSpec.fromGguf(metadata);
        BpeTokenizer tok = spec.tokenizer();
        out.printf(
                "%s: %dx%d pixels in raster order, %d %s%n",
                spec.codec(),
                spec.profile().width(),
                spec.profile().height(),
                spec.profile().symbols(),
                spec.profile().channels() == 1 ? "gray levels" : "colours");
        out.printf(
                "      tokenizer: %d tokens, %d merges, BOS %d, EOS %d%n",
                tok.vocabSize(), tok.mergeCount(), tok.bosId(), tok.eosId());
    }

    private static void printVideo(PrintWriter out, Map<String, GgufValue> metadata) {
        VideoLmSpec spec = VideoLmSpec.fromMetadata(metadata);
        VideoProfile p = spec.profile();
        BpeTokenizer tok = spec.tokenizer();
        out.printf(
                "Avc-LM: %s %dx%d, %d frames at %d fps, QP %d, %s%n",
                p.codec(), p.width(), p.height(), p.frames(), p.fps(), p.qp(), p.pixelFormat());
        out.printf("        encoder: %s%n", p.encoder());
        out.printf(
                "        tokenizer: %d tokens, %d merges, BOS %d, EOS %d%n",
                tok.vocabSize(), tok.mergeCount(), tok.bosId(), tok.eosId());
    }

    private static String show(GgufValue v, boolean full) {
        int limit = full ? Integer.MAX_VALUE : 8;
        Object value = v.value();
        if (v.type() == GgufValueType.STRING) {
            String s = v.asString();
            return quote(full || s.length() <= 80 ? s : s.substring(0, 77) + "...");
        }
        if (v.type() != GgufValueType.ARRAY) {
            return String.valueOf(value);
        }
        int n = v.length();
        StringBuilder sb = new StringBuilder("[");
        int shown = Math.min(n, limit);
        for (int i = 0; i < shown; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(
                    switch (value) {
                        case long[] a -> String.valueOf(a[i]);
                        case float[] a -> String.valueOf(a[i]);
                        case double[] a -> String.valueOf(a[i]);
                        case boolean[] a -> String.valueOf(a[i]);
                        case List<?> l ->
                            l.get(i) instanceof String s
                                    ? quote(s.length() > 40 && !full ? s.substring(0, 37) + "..." : s)
                                    : String.valueOf(l.get(i));
                        default -> "?";
                    });
        }
        if (shown < n) {
            sb.append(", ... (").append(n).append(" values)");
        }
        return sb.append(']').toString();
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append("\\u%04x".formatted((int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
