package org.jpeglm;

import static org.jpeglm.bindings.jpeglm_h.*;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The devices the backends found: the CPU always, listed in order, and bad queries refused with a status. */
class DevicesTest {
    @Test
    void theCpuIsListedWithItsMemory() {
        List<Device> devices = Jpeglm.devices();
        assertFalse(devices.isEmpty());
        Device cpu = devices.stream()
                .filter(d -> d.type() == Device.Type.CPU)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no CPU device in " + devices));
        assertEquals("CPU", cpu.name());
        assertFalse(cpu.description().isBlank(), cpu.toString());
        assertTrue(cpu.memoryTotal() > 0 && cpu.memoryFree() <= cpu.memoryTotal(), cpu.toString());
    }

    @Test
    void devicesAreNumberedInOrderWithDistinctNames() {
        List<Device> devices = Jpeglm.devices();
        for (int i = 0; i < devices.size(); i++) {
            assertEquals(i, devices.get(i).index());
        }
        assertEquals(
                devices.size(), new HashSet<>(devices.stream().map(Device::name).toList()).size(), devices.toString());
        assertEquals(devices, Jpeglm.devices(), "the list is stable");
    }

    @Test
    void gpuOffloadIsSupportedExactlyWhenAGpuIsListed() {
        boolean gpu =
                Jpeglm.devices().stream().anyMatch(d -> d.type() == Device.Type.GPU || d.type() == Device.Type.IGPU);
        assertEquals(gpu, Jpeglm.gpuOffloadSupported(), Jpeglm.devices().toString());
    }

    @Test
    void badQueriesAreRefused() {
        Native.init();
        int count = jpeglm_device_count();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(8);
            MemorySegment type = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment free = arena.allocate(ValueLayout.JAVA_LONG);
            MemorySegment total = arena.allocate(ValueLayout.JAVA_LONG);
            for (int index : new int[] {-1, count, Integer.MAX_VALUE}) {
                int status = jpeglm_device_info(index, name, 8, MemorySegment.NULL, 0, type, free, total);
                assertEquals(JPEGLM_ERR_INVALID_ARGUMENT(), status, "index " + index);
                assertTrue(Native.lastError().contains("out of range"), Native.lastError());
            }
            assertEquals(
                    JPEGLM_ERR_INVALID_ARGUMENT(),
                    jpeglm_device_info(0, MemorySegment.NULL, 8, MemorySegment.NULL, 0, type, free, total),
                    "a NULL name with a size");
            assertEquals(
                    JPEGLM_ERR_INVALID_ARGUMENT(),
                    jpeglm_device_info(0, name, 8, MemorySegment.NULL, 0, MemorySegment.NULL, free, total),
                    "a NULL type");
            // A short buffer gets a truncated, terminated name.
            assertEquals(JPEGLM_OK(), jpeglm_device_info(0, name, 3, MemorySegment.NULL, 0, type, free, total));
            assertEquals(Jpeglm.devices().getFirst().name().substring(0, 2), name.getString(0));
        }
    }

    @Test
    void recordsRefuseImpossibleValues() {
        assertThrows(IllegalArgumentException.class, () -> new Device(-1, "CPU", "", Device.Type.CPU, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Device(0, "CPU", "", Device.Type.CPU, -1, 0));
        assertThrows(NullPointerException.class, () -> new Device(0, null, "", Device.Type.CPU, 0, 0));
    }

    @Test
    void theCpuAsADeviceKeepsTheModelOnTheCpu() {
        Path model = RuntimeParityTest.bundledModel();
        int[] cpu = DeviceProbe.greedy(model, ModelOptions.defaults());
        for (ModelOptions options : List.of(
                ModelOptions.builder().allLayersOnGpu().devices("CPU").build(),
                ModelOptions.builder().allLayersOnGpu().cpuOnly().build())) {
            assertArrayEquals(cpu, DeviceProbe.greedy(model, options), options.toString());
        }
    }

    @Test
    void anUnknownDeviceIsRefusedWithTheDevicesThereAre() {
        JpeglmException e = assertThrows(
                JpeglmException.class,
                () -> Model.load(
                        RuntimeParityTest.bundledModel(),
                        ModelOptions.builder().devices("CPU", "NoSuchGpu0").build()));
        assertEquals(ErrorCode.UNSUPPORTED, e.code());
        assertTrue(e.getMessage().startsWith("no device is named 'NoSuchGpu0'; the devices are: "), e.getMessage());
        for (Device d : Jpeglm.devices()) {
            assertTrue(e.getMessage().contains(d.name() + " (" + d.description() + ")"), e.getMessage());
        }
    }

    @Test
    void deviceListsAreChecked() {
        assertThrows(
                IllegalArgumentException.class,
                () -> ModelOptions.builder().devices("none", "CPU").build());
        assertThrows(
                IllegalArgumentException.class,
                () -> ModelOptions.builder().devices(" ").build());
        assertTrue(ModelOptions.defaults().automaticDevices());
        IllegalArgumentException twice = assertThrows(
                IllegalArgumentException.class,
                () -> Model.load(
                        RuntimeParityTest.bundledModel(),
                        ModelOptions.builder().devices("CPU", "cpu").build()));
        assertEquals("device 'cpu' is named twice", twice.getMessage());
    }

    @Test
    void badDeviceArraysAreRefused() {
        Native.init();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(
                    RuntimeParityTest.bundledModel().toAbsolutePath().toString());
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            MemorySegment names = arena.allocate(ValueLayout.ADDRESS, 2);
            names.setAtIndex(ValueLayout.ADDRESS, 0, arena.allocateFrom("CPU"));
            names.setAtIndex(ValueLayout.ADDRESS, 1, MemorySegment.NULL);
            Object[][] cases = {
                {MemorySegment.NULL, 1, "devices is NULL with n_devices > 0"},
                {names, 2, "a device name is NULL or empty"},
            };
            for (Object[] c : cases) {
                int status = jpeglm_model_load_on_devices(path, 0, 0, (MemorySegment) c[0], (int) c[1], out);
                assertEquals(JPEGLM_ERR_INVALID_ARGUMENT(), status, (String) c[2]);
                assertEquals(c[2], Native.lastError());
                assertEquals(MemorySegment.NULL, out.get(ValueLayout.ADDRESS, 0));
            }
            // The plain load is the automatic choice, and still there for C callers.
            assertEquals(JPEGLM_OK(), jpeglm_model_load(path, 0, 0, out), Native.lastError());
            jpeglm_model_free(out.get(ValueLayout.ADDRESS, 0));
        }
    }

    @Test
    void skippedBackendsHaveAFileAndAReason() {
        Native.init();
        int count = jpeglm_backend_skipped_count();
        assertEquals(count, Jpeglm.skippedBackends().size());
        for (SkippedBackend s : Jpeglm.skippedBackends()) {
            assertTrue(s.file().matches("libggml-\\w+\\.so") && !s.reason().isBlank(), s.toString());
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment file = arena.allocate(8);
            for (int index : new int[] {-1, count}) {
                assertEquals(
                        JPEGLM_ERR_INVALID_ARGUMENT(),
                        jpeglm_backend_skipped_info(index, file, 8, MemorySegment.NULL, 0),
                        "index " + index);
                assertTrue(Native.lastError().contains("out of range"), Native.lastError());
            }
        }
    }
}
