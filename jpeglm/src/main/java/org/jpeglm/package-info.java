/**
 * The jpeglm API: load any GGUF Llama model, open sessions, sample tokens; what the tokens mean is a codec's
 * ({@link org.jpeglm.codec}; images are module {@code org.jpeglm.image}'s, videos {@code org.jpeglm.avclm}'s).
 */
package org.jpeglm;
