/**
 * The codec-neutral API and its SPI (issue 27, docs/codec-redesign.md): a codec implements {@link
 * org.jpeglm.codec.Codec} (tokens to artefacts and back, the per-stream {@link org.jpeglm.codec.StreamState}); a
 * {@link org.jpeglm.codec.CodecModel} pairs a model with its codec and makes the one {@link
 * org.jpeglm.codec.Generator} every codec runs through, with one options record, one score, one run account and one
 * kind of event, whatever the tokens mean (JPEG images, H.264 videos, pixels: each codec a module of its own). A codec
 * module registers a {@link org.jpeglm.codec.CodecFactory} with {@link java.util.ServiceLoader}; {@link
 * org.jpeglm.codec.Codecs} finds it by the name a model file gives in {@code jpeglm.codec} and opens the model as
 * that codec.
 */
package org.jpeglm.codec;
