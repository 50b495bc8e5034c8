/**
 * The JPEG layer of Jpeg-LM: the exact bytes the model reads and writes.
 *
 * <ul>
 * <li>{@link org.jpeglm.jpeg.JpegEncoder} encodes images as Pillow does for a {@link org.jpeglm.jpeg.JpegProfile}
 * ({@link org.jpeglm.jpeg.JpegProfile#PAPER}: quality 25, 4:2:0, an RST marker after every MCU, abbreviated).
 * <li>{@link org.jpeglm.jpeg.JpegParser} parses a file into segments; {@link org.jpeglm.jpeg.JpegStreams}
 * strips tables, reassembles complete files, builds headers and MCU-aligned prompts;
 * {@link org.jpeglm.jpeg.McuIndex} locates each MCU's bytes.
 * <li>{@link org.jpeglm.jpeg.JpegRepair} makes generated streams decodable and reports what it changed.
 * <li>{@link org.jpeglm.jpeg.JpegImages} and {@link org.jpeglm.jpeg.ImageGrid} decode and save.
 * </ul>
 * Unsupported or broken input raises {@link org.jpeglm.jpeg.JpegFormatException}.
 */
package org.jpeglm.jpeg;
