package example;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jpeglm.Jpeglm;
import org.jpeglm.SamplingParams;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.image.ImageGenerator;
import org.jpeglm.image.ImageModel;

/**
 * Generates COUNT images with a Jpeg-LM model and writes them as JPEG files.
 *
 * <p>Usage: MODEL.gguf OUT_DIR [COUNT [THREADS]] (THREADS 0, the default: every core)
 */
public final class GenerateImages {
    private GenerateImages() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: GenerateImages MODEL.gguf OUT_DIR [COUNT [THREADS]]");
            System.exit(2);
        }
        Path model = Path.of(args[0]);
        Path out = Files.createDirectories(Path.of(args[1]));
        int count = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 0;

        GenerationOptions options = GenerationOptions.builder()
                .parallel(count)
                .threads(threads)
                .sampling(SamplingParams.builder().temperature(1.0f).topK(0).build())
                .seed(42)
                .build();
        try (ImageModel m = ImageModel.load(model);
                ImageGenerator generator = m.newGenerator(options)) {
            System.out.println("native library: " + Jpeglm.nativeLibrary());
            for (GeneratedImage image : generator.generate(count, image -> {})) {
                Path file = out.resolve("image-" + image.index() + ".jpg");
                Files.write(file, image.jpeg());
                System.out.println("wrote " + file + " (" + image.tokens() + " tokens, clean: " + image.clean() + ")");
            }
        }
    }
}
