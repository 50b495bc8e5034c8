package org.jpeglm.convert;

import java.nio.file.Path;
import java.util.Objects;
import org.jpeglm.codec.jpeg.JpegProfileFile;

/** Where a Jpeg-LM model's JPEG profile (how its training images became bytes) comes from. */
public sealed interface ProfileSource {
    /**
     * The checkpoint's {@code jpeglm_profile.json}, when it has one (the default); without one, the profile overrides
     * alone, when they are complete.
     */
    record FromCheckpoint() implements ProfileSource {}

    /** The paper's profile: quality 25, 4:2:0, a restart marker after every MCU, 256x256, IJG tables. */
    record Paper() implements ProfileSource {}

    /** A {@code jpeglm_profile.json} file. */
    record FromFile(Path file) implements ProfileSource {
        public FromFile {
            Objects.requireNonNull(file, "file");
        }
    }

    /** The profile and tables of another Jpeg-LM GGUF file (its {@code jpeglm.jpeg.*} keys). */
    record FromGguf(Path file) implements ProfileSource {
        public FromGguf {
            Objects.requireNonNull(file, "file");
        }
    }

    /** Explicit fields; unset ones must be set by the overrides. */
    record Given(JpegProfileFile.Fields fields) implements ProfileSource {
        public Given {
            Objects.requireNonNull(fields, "fields");
        }
    }

    static ProfileSource checkpoint() {
        return new FromCheckpoint();
    }

    static ProfileSource paper() {
        return new Paper();
    }

    static ProfileSource file(Path file) {
        return new FromFile(file);
    }

    static ProfileSource gguf(Path file) {
        return new FromGguf(file);
    }

    static ProfileSource of(JpegProfileFile.Fields fields) {
        return new Given(fields);
    }
}
