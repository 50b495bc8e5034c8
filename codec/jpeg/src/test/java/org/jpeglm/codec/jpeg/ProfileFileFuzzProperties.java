package org.jpeglm.codec.jpeg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.jpeglm.fuzzing.FuzzCheck;
import org.jpeglm.fuzzing.FuzzDir;
import org.jpeglm.fuzzing.JsonMutations;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.jpeg.JpegTables;
import org.jpeglm.jpeg.Subsampling;

/**
 * Fuzzing the jpeglm_profile.json reader (issue 12): mutated, truncated and wrong-typed files make
 * {@link JpegProfileFile#read} and then {@link JpegProfileFile.Fields#complete} return a profile or throw
 * {@link ProfileFileException}; never another exception, a hang, or an allocation out of proportion to the file.
 */
class ProfileFileFuzzProperties {
    private static final Path DIR = FuzzDir.create("profile-fuzz");

    @AfterContainer
    static void removeFiles() throws IOException {
        FuzzDir.delete(DIR);
    }

    @Provide
    Arbitrary<byte[]> mutatedFiles() {
        return JsonMutations.of(List.of(
                JpegProfileFile.toJson(JpegProfile.PAPER, null),
                JpegProfileFile.toJson(new JpegProfile(60, Subsampling.GRAY, 2, 28, 28), JpegTables.forQuality(60)),
                "{\"format\": \"jpeglm-profile\", \"version\": 1, \"quality\": 25, \"tables_file\": \"tables.jpg\","
                        + " \"_comment\": \"x\"}"));
    }

    @Property(tries = 2500)
    void mutatedFilesThrowOnlyProfileFileException(@ForAll("mutatedFiles") byte[] json) throws IOException {
        Path p = DIR.resolve(JpegProfileFile.FILE_NAME);
        Files.write(p, json);
        FuzzCheck.run(
                json,
                FuzzCheck.budget(json.length, 256, 16 << 20),
                List.of(ProfileFileException.class),
                () -> { // the file's fields over the paper's, as convert does, so each one reaches complete()
                    JpegProfileFile.paper()
                            .overriddenBy(JpegProfileFile.read(p))
                            .complete("fuzz");
                });
    }
}
