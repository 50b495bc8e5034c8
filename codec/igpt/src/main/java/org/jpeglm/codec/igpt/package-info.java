/**
 * The pixel codecs of the seed papers (iGPT, and BPE over iGPT's symbols), for Llama models that write images
 * pixel by pixel.
 *
 * <ul>
 *   <li>{@link org.jpeglm.codec.igpt.Palette}: K gray levels, or K colours by k-means.</li>
 *   <li>{@link org.jpeglm.codec.igpt.IgptProfile} and {@link org.jpeglm.codec.igpt.PixelStreams}: an image as one
 *       palette index a pixel in raster order, and back; completion prompts are the top rows.</li>
 *   <li>{@link org.jpeglm.codec.igpt.IgptSpec}: profile and tokenizer, the {@code jpeglm.igpt.*} GGUF keys;
 *       {@link org.jpeglm.codec.igpt.IgptProfileFile}: the checkpoint's profile file for the converter.</li>
 *   <li>{@link org.jpeglm.codec.igpt.PixelGrammar}: which tokens keep a stream exactly one image.</li>
 *   <li>{@link org.jpeglm.codec.igpt.PixelCodec}: the engine's codec for both ({@code Codec<BufferedImage,
 *       GeneratedPixels>}): prompts cut on rows, generation held to the grammar, progress and previews in rows;
 *       {@link org.jpeglm.codec.igpt.PixelModels} loads a model file as one.</li>
 * </ul>
 *
 * <p>Token ids: igpt is {@link org.jpeglm.bpe.BpeTokenizer} over the alphabet of K symbols with no merges (ids
 * 0..K−1, BOS K, EOS K+1); bpe-igpt is the same alphabet with merges ({@code BpeTrainer.withAlphabet(K)}).
 */
package org.jpeglm.codec.igpt;
