package org.jpeglm.cli;

import java.util.List;
import java.util.Locale;
import org.jpeglm.Device;
import org.jpeglm.Jpeglm;
import org.jpeglm.SkippedBackend;
import picocli.CommandLine.Command;

/** {@code devices}: the devices the native backends found, like llama.cpp's {@code --list-devices}. */
@Command(
        name = "devices",
        sortOptions = false,
        description = {
            "Lists the devices the native library can run on.",
            "",
            "One line per device: its name (what --device takes), type, free and total memory, and description;"
                    + " then each GPU backend that is not in use and why (e.g. its driver is missing), and the"
                    + " library's backends and CPU features. The CPU is always there; a GPU appears when its backend"
                    + " is in the library and its driver is installed. Without --device, -ngl offloads to every CUDA"
                    + " device, else every Vulkan GPU.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  ${ROOT-COMMAND-NAME} devices",
            "",
            "  # offload every layer to one of the devices listed",
            "  ${ROOT-COMMAND-NAME} generate -ngl -1 --device Vulkan0 -n 16 -o on-gpu",
            "",
            "  # the prebuilt runtime, forced onto its oldest CPU variant",
            "  JPEGLM_BACKENDS=libggml-cpu-x64.so ${ROOT-COMMAND-NAME} devices"
        })
public class DevicesCommand extends JpeglmCommand {
    public DevicesCommand() {}

    @Override
    protected int run() {
        List<Device> devices = Jpeglm.devices();
        out().println("Available devices:");
        for (Device d : devices) {
            out().println(line(d));
        }
        for (SkippedBackend s : Jpeglm.skippedBackends()) {
            out().println("skipped: " + s);
        }
        out().println("library: " + Jpeglm.nativeLibrary());
        out().println("system:  " + Jpeglm.systemInfo().strip());
        return 0;
    }

    static String line(Device d) {
        return String.format(
                Locale.ROOT,
                "  %-10s %-5s %,9d MiB free of %,9d MiB  %s",
                d.name(),
                d.type().name().toLowerCase(Locale.ROOT),
                d.memoryFree() >> 20,
                d.memoryTotal() >> 20,
                d.description());
    }
}
