/**
 * Avc-LM: videos as H.264 bytes, the Jpeg-LM paper's second system. {@link org.jpeglm.avclm.VideoModel} loads a
 * model whose file records its {@link org.jpeglm.video.VideoProfile} and BPE; a {@link org.jpeglm.avclm.VideoGenerator}
 * generates, completes (from a video's first frames) and scores videos on the same batching engine as images.
 * Videos are sampled freely, as the paper samples them (there is no H.264 grammar), stop at EOS or their token
 * budget, and are decoded tolerantly: a {@link org.jpeglm.video.VideoDecodeReport} says how much of each decoded.
 */
package org.jpeglm.avclm;
