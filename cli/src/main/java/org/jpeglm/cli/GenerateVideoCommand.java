package org.jpeglm.cli;

import picocli.CommandLine.Command;

/** {@code generate-video}: an alias of generate whose default model is the video one; kept for existing scripts. */
@Command(
        name = "generate-video",
        description = {
            "Alias of generate, kept for existing scripts: the same options and outputs; only the default model "
                    + "differs: $JPEGLM_VIDEO_MODEL, else the bundled " + ModelArgs.BUNDLED_VIDEO + ".",
            ""
        },
        footer = {
            "  jpeglm generate-video -n 8 -o videos                 # 8 videos with the bundled video model",
            "  jpeglm generate-video -m avc.gguf -n 64 -np 16 --temp 0.9 --seed 7 -o avc-videos"
        })
public final class GenerateVideoCommand extends GenerateCommand {
    public GenerateVideoCommand() {}

    @Override
    protected int run() throws Exception {
        modelArgs.videoByDefault = true;
        return super.run();
    }
}
