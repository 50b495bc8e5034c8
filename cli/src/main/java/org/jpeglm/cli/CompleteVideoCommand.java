package org.jpeglm.cli;

import picocli.CommandLine.Command;

/** {@code complete-video}: an alias of complete whose default model is the video one; kept for existing scripts. */
@Command(
        name = "complete-video",
        description = {
            "Alias of complete, kept for existing scripts: the same options and outputs; only the default model "
                    + "differs: $JPEGLM_VIDEO_MODEL, else the bundled " + ModelArgs.BUNDLED_VIDEO + ".",
            ""
        },
        footer = {
            "  jpeglm complete-video --input clip.mp4 --frames 5 -o video-completions",
            "  jpeglm complete-video -m avc.gguf --input a.mp4 --input b.gif --frames 3 --samples 4 -o avc-completions",
            "  jpeglm complete-video --moving-fashion-mnist 300 --frames 5 --eval -o cv  # frames 6-15 measured"
        })
public final class CompleteVideoCommand extends CompleteCommand {
    public CompleteVideoCommand() {}

    @Override
    protected int run() throws Exception {
        modelArgs.videoByDefault = true;
        return super.run();
    }
}
